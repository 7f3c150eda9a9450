using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using Micron.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Micron.Security.Internal;

/// <summary>
/// The audiences a host answers to: the authority (<c>host:port</c>) of its <c>--public-url</c>, and of every address it
/// listens on: a loopback address also as <c>localhost</c>, and an address bound to every interface as each interface's
/// address, loopback, <c>localhost</c> and the machine's name. The announced URL is always one of them.
/// </summary>
internal sealed class HostAudience(IServer server, IOptions<MicronOptions> options)
{
    private Snapshot? _snapshot;

    /// <summary>Gets the audiences, compared without regard to case; rebuilt when the server's addresses change (as it binds).</summary>
    public IReadOnlySet<string> Accepted
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var snapshot = _snapshot;
            if (snapshot is null || snapshot.Count != addresses.Count)
            {
                _snapshot = snapshot = new Snapshot(addresses.Count, Of([.. addresses], options.Value.PublicUrl));
            }

            return snapshot.Audiences;
        }
    }

    /// <summary>The audiences of a host listening on <paramref name="addresses"/> (Kestrel's form) behind <paramref name="publicUrl"/>.</summary>
    internal static FrozenSet<string> Of(IEnumerable<string> addresses, string? publicUrl)
    {
        var audiences = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (Uri.TryCreate(publicUrl, UriKind.Absolute, out var url))
        {
            audiences.Add(MicronSignature.AudienceOf(url));
        }

        foreach (var address in addresses)
        {
            if (address.Contains("://unix:", StringComparison.OrdinalIgnoreCase)
                || !Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var bound))
            {
                continue;
            }

            var port = bound.Port.ToString(CultureInfo.InvariantCulture);
            var ip = IPAddress.TryParse(bound.Host.Trim('[', ']'), out var parsed) ? parsed : null;
            if (ip is not null && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
            {
                foreach (var local in InterfaceAddresses())
                {
                    audiences.Add(Authority(local, port));
                }

                audiences.Add(Dns.GetHostName() + ":" + port);
            }
            else
            {
                audiences.Add(bound.Host + ":" + port);
            }

            if (ip is null || IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            {
                audiences.Add(Authority(IPAddress.Loopback, port));
                audiences.Add(Authority(IPAddress.IPv6Loopback, port));
                audiences.Add("localhost:" + port);
            }
        }

        return audiences.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    private static string Authority(IPAddress address, string port)
        => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{new IPAddress(address.GetAddressBytes())}]:{port}" // without a scope id, as a URL's host has it
            : $"{address}:{port}";

    private static IEnumerable<IPAddress> InterfaceAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces().SelectMany(static n => n.GetIPProperties().UnicastAddresses).Select(static a => a.Address)];
        }
        catch (NetworkInformationException)
        {
            return [IPAddress.Loopback];
        }
    }

    private sealed record Snapshot(int Count, FrozenSet<string> Audiences);
}
