using System.Net;
using Micron.Hosting;

namespace Micron.Security.Internal;

/// <summary>The addresses allowed to call internal endpoints (<c>--allow-ip</c>); empty allows every address.</summary>
internal sealed class IpAllowList
{
    private readonly IPNetwork[] _networks;

    /// <exception cref="MicronStartupException">An entry is neither an address nor a CIDR range.</exception>
    public IpAllowList(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(Normalize(address), address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new MicronStartupException($"--allow-ip: '{entry}' is not an IP address or a CIDR range");
            }
        }

        _networks = [.. networks];
    }

    public bool Allows(IPAddress? address)
    {
        if (_networks.Length == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false; // a UNIX socket peer has no address: only an open list admits it
        }

        address = Normalize(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
