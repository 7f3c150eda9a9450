using System.Net;
using System.Net.Sockets;

namespace Micron.Tests.Support;

/// <summary>Loopback ports for tests that must name one before a server binds it.</summary>
public static class Ports
{
    /// <summary>A port nothing listens on right now (the system's pick, released at once).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
