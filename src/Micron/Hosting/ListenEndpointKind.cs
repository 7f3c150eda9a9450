namespace Micron.Hosting;

/// <summary>The kinds of endpoint a host can listen on.</summary>
public enum ListenEndpointKind
{
    /// <summary>A TCP socket: <c>tcp://host:port</c>.</summary>
    Tcp,

    /// <summary>A UNIX domain socket: <c>unix:/path.sock</c> or <c>unix:///path.sock</c>.</summary>
    UnixSocket,

    /// <summary>A Windows named pipe: <c>pipe:\\.\pipe\Name</c> (Windows only).</summary>
    NamedPipe,

    /// <summary>
    /// A TCP socket that speaks TLS: <c>https://host:port</c>. HTTP/1.1 and HTTP/2 are negotiated by ALPN, and the
    /// certificate is Kestrel's default one (<c>Kestrel:Certificates:Default</c>).
    /// </summary>
    Https,
}
