using System.Globalization;

namespace Micron.Hosting;

/// <summary>
/// An endpoint given with <c>-l</c>/<c>--listen</c>, parsed with zeit micro's rules and error messages
/// (see <c>docs/spec/cli.md</c>).
/// </summary>
public sealed record ListenEndpoint
{
    /// <summary>The port used when a <c>tcp://</c> endpoint gives none.</summary>
    public const int DefaultPort = 3000;

    private ListenEndpoint(string uri, ListenEndpointKind kind, string? host, int port, string? path)
    {
        Uri = uri;
        Kind = kind;
        Host = host;
        Port = port;
        Path = path;
    }

    /// <summary>Gets the endpoint as it was given.</summary>
    public string Uri { get; }

    /// <summary>Gets the kind of endpoint.</summary>
    public ListenEndpointKind Kind { get; }

    /// <summary>Gets the host of a TCP or HTTPS endpoint (an IP address or a name).</summary>
    public string? Host { get; }

    /// <summary>Gets the port of a TCP or HTTPS endpoint; 0 asks the system for a free one.</summary>
    public int Port { get; }

    /// <summary>Gets the socket path or pipe name of a UNIX socket or named pipe endpoint.</summary>
    public string? Path { get; }

    /// <summary>Gets the endpoint used when none is given: <c>tcp://0.0.0.0:3000</c>.</summary>
    public static ListenEndpoint Default { get; } = Tcp("0.0.0.0", DefaultPort);

    /// <summary>Creates a TCP endpoint.</summary>
    /// <param name="host">An IP address or host name.</param>
    /// <param name="port">The port, 0 to 65535.</param>
    /// <returns>The endpoint.</returns>
    public static ListenEndpoint Tcp(string host, int port) => OnPort(ListenEndpointKind.Tcp, "tcp", host, port);

    /// <summary>Creates an HTTPS endpoint: TLS with Kestrel's default certificate, HTTP/1.1 and HTTP/2 by ALPN.</summary>
    /// <param name="host">An IP address or host name.</param>
    /// <param name="port">The port, 0 to 65535.</param>
    /// <returns>The endpoint.</returns>
    public static ListenEndpoint Https(string host, int port) => OnPort(ListenEndpointKind.Https, "https", host, port);

    /// <summary>
    /// Parses an endpoint URI: <c>tcp://host:port</c>, <c>https://host:port</c>, <c>unix:/path.sock</c>,
    /// <c>unix:///path.sock</c> or <c>pipe:\\.\pipe\Name</c>.
    /// </summary>
    /// <param name="uri">The endpoint.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="FormatException">
    /// <c>Invalid URL: {uri}</c>, <c>Unknown --listen endpoint scheme (protocol): {scheme}:</c> (for <c>http:</c>,
    /// followed by the <c>tcp://</c> endpoint to use instead),
    /// <c>Invalid UNIX domain socket endpoint: {uri}</c> or <c>Invalid Windows named pipe endpoint: {uri}</c>.
    /// </exception>
    public static ListenEndpoint Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !IsScheme(uri.AsSpan(0, colon)))
        {
            throw Invalid(uri);
        }

        var scheme = uri[..colon].ToLowerInvariant();
        var rest = uri[(colon + 1)..];
        return scheme switch
        {
            "tcp" => ParseHostAndPort(uri, rest, ListenEndpointKind.Tcp),
            "https" => ParseHostAndPort(uri, rest, ListenEndpointKind.Https),
            "unix" => ParseUnix(uri, rest),
            "pipe" => ParsePipe(uri, rest),

            // Micron's cleartext endpoints are tcp://, as micro's are; https:// is the TLS one.
            "http" => throw new FormatException($"Unknown --listen endpoint scheme (protocol): http: use tcp:{rest} (https:// is for TLS)"),
            _ => throw new FormatException($"Unknown --listen endpoint scheme (protocol): {scheme}:"),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Uri;

    private static ListenEndpoint OnPort(ListenEndpointKind kind, string scheme, string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var shown = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new ListenEndpoint($"{scheme}://{shown}:{port}", kind, host, port, null);
    }

    private static ListenEndpoint ParseHostAndPort(string uri, string rest, ListenEndpointKind kind)
    {
        if (!rest.StartsWith("//", StringComparison.Ordinal))
        {
            throw Invalid(uri);
        }

        var authority = rest[2..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        if (end >= 0)
        {
            authority = authority[..end];
        }

        string host;
        string? port = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid(uri);
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                port = after.StartsWith(':') ? after[1..] : throw Invalid(uri);
            }
        }
        else
        {
            var portColon = authority.LastIndexOf(':');
            host = portColon < 0 ? authority : authority[..portColon];
            port = portColon < 0 ? null : authority[(portColon + 1)..];
        }

        if (host.Length == 0 || host.Contains('@', StringComparison.Ordinal))
        {
            throw Invalid(uri);
        }

        if (string.IsNullOrEmpty(port))
        {
            // tcp:// keeps micro's default port; https:// has none a user could expect, so it must be given.
            return kind == ListenEndpointKind.Https ? throw Invalid(uri) : new ListenEndpoint(uri, kind, host, DefaultPort, null);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= 65535
            ? new ListenEndpoint(uri, kind, host, number, null)
            : throw Invalid(uri);
    }

    private static ListenEndpoint ParseUnix(string uri, string rest)
    {
        // unix:/path.sock and unix:///path.sock (an empty authority) name the same socket, as in a URL's pathname.
        var path = rest.StartsWith("//", StringComparison.Ordinal) ? rest[(rest.IndexOf('/', 2) is var slash and >= 0 ? slash : rest.Length)..] : rest;
        return path.Length == 0
            ? throw new FormatException($"Invalid UNIX domain socket endpoint: {uri}")
            : new ListenEndpoint(uri, ListenEndpointKind.UnixSocket, null, 0, path);
    }

    private static ListenEndpoint ParsePipe(string uri, string rest)
    {
        const string Prefix = @"\\.\";
        const string PipeFolder = @"pipe\";
        if (!rest.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"Invalid Windows named pipe endpoint: {uri}");
        }

        var name = rest[Prefix.Length..];
        name = name.StartsWith(PipeFolder, StringComparison.OrdinalIgnoreCase) ? name[PipeFolder.Length..] : name;
        return name.Length == 0
            ? throw new FormatException($"Invalid Windows named pipe endpoint: {uri}")
            : new ListenEndpoint(uri, ListenEndpointKind.NamedPipe, null, 0, name);
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static FormatException Invalid(string uri) => new($"Invalid URL: {uri}");
}
