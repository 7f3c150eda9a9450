namespace Micron.Hosting;

/// <summary>Where <c>--discovery udp</c> sends and hears announcements (micromono's multicast discovery).</summary>
public sealed class UdpDiscoveryOptions
{
    /// <summary>Gets or sets the IPv4 multicast group.</summary>
    /// <value>The default value is <c>224.0.0.116</c>, micromono's group (link-local: it stays on the LAN).</value>
    public string Address { get; set; } = "224.0.0.116";

    /// <summary>Gets or sets the UDP port every host of the group binds.</summary>
    /// <value>The default value is 11628, micromono's port.</value>
    public int Port { get; set; } = 11628;

    /// <summary>
    /// Gets or sets the IPv4 address of the local interface to send and listen on; <see langword="null"/> lets the
    /// operating system pick its default multicast interface. <c>127.0.0.1</c> keeps discovery on this machine.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Interface { get; set; }

    /// <summary>Gets or sets how many routers a datagram may cross.</summary>
    /// <value>The default value is 1 (this network only).</value>
    public int TimeToLive { get; set; } = 1;
}
