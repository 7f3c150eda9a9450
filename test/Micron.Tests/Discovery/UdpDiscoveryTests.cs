using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Micron.Discovery;
using Micron.Discovery.Internal;
using Micron.Hosting;
using Micron.Security;
using Micron.Tests.Rpc;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Discovery;

/// <summary>`--discovery udp`: signed multicast announcements on the loopback interface.</summary>
public class UdpDiscoveryTests
{
    private const string Group = "239.255.77.77";
    private readonly string _secret = TestHost.NewSecret();
    private readonly int _port = Random.Shared.Next(20_000, 60_000);

    [Fact]
    public async Task TwoHosts_SameSecret_FindEachOther_CallAcross_AndHearTheLeave()
    {
        var calc = await StartAsync("calc", _secret);
        await using var client = await StartAsync("client", _secret, "--discovery-timeout", "10s");

        (await client.Client.GetStringAsync("/sum/40/2")).ShouldBe("42");

        await calc.DisposeAsync();
        await Eventually.TrueAsync(() => Registry(client).InstancesOf("calc").Count == 0, "the leave reaching the client");
    }

    [Fact]
    public async Task HostsWithOtherSecrets_OnTheSameGroup_NeverMeet()
    {
        await using var calc = await StartAsync("calc", _secret);
        await using var stranger = await StartAsync("none", TestHost.NewSecret());

        await Eventually.TrueAsync(() => Provider(stranger).Refused > 0, "the stranger hearing, and refusing, calc's datagrams");
        Registry(stranger).InstancesOf("calc").ShouldBeEmpty();
    }

    [Fact]
    public async Task GarbageForgedAndReplayedDatagrams_AreRefused()
    {
        await using var host = await StartAsync("none", _secret);
        var ghost = new Announcement { Service = "ghost", Version = "1", Instance = Guid.NewGuid().ToString("N"), Url = "http://127.0.0.1:9", Ttl = 60_000 };
        var valid = Datagram(new MicronKey(_secret), ghost);
        var forged = Datagram(new MicronKey(TestHost.NewSecret()), ghost with { Service = "forged" });

        Send(Encoding.UTF8.GetBytes("garbage without a signature"));
        Send(forged);
        await Eventually.TrueAsync(() => Provider(host).Refused >= 2, "garbage and the forgery being refused");
        Send(valid);
        await Eventually.TrueAsync(() => Registry(host).InstancesOf("ghost").Count == 1, "the signed announcement being taken in");
        Send(valid);

        await Eventually.TrueAsync(() => Provider(host).Refused >= 3, "the replay being refused");
        Registry(host).InstancesOf("forged").ShouldBeEmpty();
        host.Logs.Entries.ShouldContain(e => e.Message.Contains("nonce_reused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issue_15_ADatagramSignedForAnotherGroup_IsRefused()
    {
        await using var host = await StartAsync("none", _secret);
        var ghost = new Announcement { Service = "ghost", Version = "1", Instance = Guid.NewGuid().ToString("N"), Url = "http://127.0.0.1:9", Ttl = 60_000 };

        Send(Datagram(new MicronKey(_secret), ghost, audience: "239.1.2.3:11628"));

        await Eventually.TrueAsync(() => Provider(host).Refused >= 1, "the datagram for another group being refused");
        Registry(host).InstancesOf("ghost").ShouldBeEmpty();
        host.Logs.Entries.ShouldContain(e => e.Message.Contains("signature_audience", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostOnEveryInterface_AnnouncesTheUdpInterfaceAddress()
    {
        await using var calc = await StartAsync("calc", _secret, "--listen", "tcp://0.0.0.0:0");

        var url = Registry(calc).InstancesOf("calc").Single().Announcement.Url;

        url.ShouldStartWith("http://127.0.0.1:");
    }

    [Theory]
    [InlineData("--discovery-udp-address", "10.0.0.1", "is not an IPv4 multicast address")]
    [InlineData("--discovery-udp-port", "70000", "is not a port")]
    [InlineData("--discovery-udp-interface", "not-an-ip", "is not an IPv4 address")]
    public async Task BadGroupSettings_FailTheStart(string flag, string value, string message)
    {
        var error = await Should.ThrowAsync<MicronStartupException>(() => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>(),
            "--discovery", "udp", "--discovery-udp-interface", "127.0.0.1", flag, value));

        error.Message.ShouldContain(message);
    }

    private static ServiceRegistry Registry(TestHost host) => host.App.Services.GetRequiredService<ServiceRegistry>();

    private static UdpDiscovery Provider(TestHost host) => (UdpDiscovery)host.App.Services.GetRequiredService<IDiscoveryProvider>();

    private byte[] Datagram(MicronKey key, Announcement announcement, string? audience = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(announcement);
        var signature = MicronSignature.Create(key, UdpDiscovery.SignedMethod, audience ?? $"{Group}:{_port}", UdpDiscovery.SignedPath, body, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return [.. Encoding.ASCII.GetBytes(signature + "\n"), .. body];
    }

    private void Send(byte[] datagram)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.Loopback.GetAddressBytes());
        socket.SendTo(datagram, new IPEndPoint(IPAddress.Parse(Group), _port));
    }

    private Task<TestHost> StartAsync(string services, string secret, params string[] args)
        => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>().AddService<RemoteCallTests.ClientService>(),
            [
                "--secret", secret, "--services", services, "--heartbeat", "100ms", "--discovery", "udp",
                "--discovery-udp-address", Group, "--discovery-udp-port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--discovery-udp-interface", "127.0.0.1", .. args,
            ]);
}
