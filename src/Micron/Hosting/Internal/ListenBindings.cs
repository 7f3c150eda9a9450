using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace Micron.Hosting.Internal;

/// <summary>
/// Where the host listens: <c>--listen</c> endpoints, else <c>Micron:Listen</c> configuration, else
/// <c>PORT</c>, else <c>tcp://0.0.0.0:3000</c>. An explicit ASP.NET Core <c>urls</c> setting is left to Kestrel.
/// Kestrel's own settings apply to these endpoints: <c>Kestrel:EndpointDefaults:Protocols</c> to all of them,
/// <c>Kestrel:Certificates:Default</c> to the <c>https://</c> ones.
/// </summary>
internal sealed class ListenBindings
{
    private const string ProtocolsKey = "Kestrel:EndpointDefaults:Protocols";
    private static readonly string[] Protocols = ["Http1", "Http2", "Http1AndHttp2"];
    private readonly List<Action<KestrelConfigurationLoader>> _binds = [];
    private readonly List<(ListenEndpoint Endpoint, IPEndPoint Address)> _fixedPorts = [];

    private ListenBindings(IReadOnlyList<ListenEndpoint> endpoints) => Endpoints = endpoints;

    public IReadOnlyList<ListenEndpoint> Endpoints { get; }

    /// <summary>Resolves the endpoints; <see langword="null"/> when ASP.NET Core's <c>urls</c> decide instead.</summary>
    /// <exception cref="MicronStartupException">
    /// An endpoint is invalid, cannot be resolved or is in use, or <c>Kestrel:EndpointDefaults:Protocols</c> is none Micron knows.
    /// </exception>
    public static ListenBindings? Resolve(IConfiguration configuration)
    {
        CheckProtocols(configuration);
        var section = configuration.GetSection("Micron:Listen");
        var values = section.Value is { Length: > 0 } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. section.GetChildren().Select(static c => c.Value).OfType<string>().Where(static v => v.Length > 0)];

        List<ListenEndpoint> endpoints = [];
        if (values.Length == 0)
        {
            if (!string.IsNullOrEmpty(configuration["urls"]))
            {
                return null;
            }

            endpoints.Add(FromPort(configuration["PORT"]));
        }

        foreach (var value in values)
        {
            try
            {
                endpoints.Add(ListenEndpoint.Parse(value));
            }
            catch (FormatException ex)
            {
                throw new MicronStartupException(ex.Message, ex);
            }
        }

        var bindings = new ListenBindings(endpoints);
        foreach (var endpoint in endpoints)
        {
            bindings.Prepare(endpoint);
        }

        return bindings;
    }

    public void Apply(KestrelServerOptions options)
    {
        // Kestrel reads its configuration, Kestrel:Certificates:Default included, as it starts, after the options are
        // configured: endpoints handed to its configuration loader are bound then, so https:// ones find that
        // certificate, and every endpoint keeps the place it was given in.
        var loader = options.ConfigurationLoader ?? options.Configure();
        foreach (var bind in _binds)
        {
            bind(loader);
        }
    }

    /// <summary>
    /// Binds every TCP address with a given port for a moment, as Kestrel will, so an address in use stops the start
    /// before the services initialize, rather than after.
    /// </summary>
    /// <exception cref="MicronStartupException"><c>tcp://127.0.0.1:3000: address already in use</c>.</exception>
    public void Probe()
    {
        foreach (var (endpoint, address) in _fixedPorts)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true; // as Kestrel binds it
            }

            try
            {
                socket.Bind(address);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                var reason = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "address already in use" : "permission denied";
                throw new MicronStartupException($"{endpoint.Uri}: {reason}", ex);
            }
            catch (SocketException)
            {
                // Anything else (an address this machine does not have) Kestrel reports in its own words.
            }
        }
    }

    private static ListenEndpoint FromPort(string? port)
    {
        if (string.IsNullOrEmpty(port))
        {
            return ListenEndpoint.Default;
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= 65535
            ? ListenEndpoint.Tcp("0.0.0.0", number)
            : throw new MicronStartupException($"Invalid PORT: {port}");
    }

    private void Prepare(ListenEndpoint endpoint)
    {
        switch (endpoint.Kind)
        {
            case ListenEndpointKind.UnixSocket:
                ClearStaleSocket(endpoint);
                _binds.Add(l => l.UnixSocketEndpoint(endpoint.Path!));
                break;
            case ListenEndpointKind.NamedPipe:
                if (!OperatingSystem.IsWindows())
                {
                    throw new MicronStartupException($"Windows named pipe endpoints work only on Windows: {endpoint.Uri}");
                }

                _binds.Add(l => l.NamedPipeEndpoint(endpoint.Path!));
                break;
            default:
                Action<ListenOptions> configure = endpoint.Kind == ListenEndpointKind.Https ? o => UseHttps(o, endpoint) : static _ => { };
                foreach (var address in Addresses(endpoint))
                {
                    var at = new IPEndPoint(address, endpoint.Port);
                    _binds.Add(l => l.Endpoint(at, configure));
                    if (endpoint.Port != 0)
                    {
                        _fixedPorts.Add((endpoint, at));
                    }
                }

                break;
        }
    }

    // Kestrel ignores a value it cannot read and keeps its default: a typo would silently turn h2c off.
    private static void CheckProtocols(IConfiguration configuration)
    {
        if (configuration[ProtocolsKey] is { } value && !Array.Exists(Protocols, p => p.Equals(value, StringComparison.OrdinalIgnoreCase)))
        {
            throw new MicronStartupException($"{ProtocolsKey}: '{value}' is not {string.Join(", ", Protocols[..^1])} or {Protocols[^1]}");
        }
    }

    private static void UseHttps(ListenOptions listen, ListenEndpoint endpoint)
    {
        try
        {
            listen.UseHttps();
        }
        catch (InvalidOperationException ex)
        {
            throw new MicronStartupException(
                $"{endpoint.Uri} needs a certificate: set --Kestrel:Certificates:Default:Path (a .pfx, with :Password; or a PEM with :KeyPath)", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MicronStartupException($"{endpoint.Uri}: {ex.Message}", ex); // a certificate without its private key
        }
    }

    private static IPAddress[] Addresses(ListenEndpoint endpoint)
    {
        var host = endpoint.Host!;
        if (host is "*" or "+")
        {
            return [IPAddress.IPv6Any];
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return [address];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Socket.OSSupportsIPv6 && endpoint.Port != 0 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        }

        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (SocketException ex)
        {
            throw new MicronStartupException($"Cannot resolve the host of {endpoint.Uri}: {ex.Message}", ex);
        }
    }

    // A socket file left by a process that died would make the bind fail; one that still answers is in use.
    private static void ClearStaleSocket(ListenEndpoint endpoint)
    {
        var path = endpoint.Path!;
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new MicronStartupException($"Address already in use: {endpoint.Uri}");
    }
}
