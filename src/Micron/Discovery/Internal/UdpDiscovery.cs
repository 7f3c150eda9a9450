using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Micron.Hosting;
using Micron.Security;
using Micron.Security.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Discovery.Internal;

/// <summary>
/// <c>--discovery udp</c> (micromono's discovery, signed): every heartbeat each announcement goes to a multicast group
/// as one datagram, <c>Micron-Signature</c> value, a newline, then the announcement's JSON. Every host of the group
/// hears every datagram and takes in only those signed with a key it holds, so groups with other secrets share the
/// address without meeting, and nobody on the network can announce an instance without the secret.
/// </summary>
internal sealed partial class UdpDiscovery : IDiscoveryProvider, IDisposable
{
    /// <summary>The method and path a datagram's signature covers.</summary>
    public const string SignedMethod = "UDP";

    /// <summary>The path a datagram's signature covers.</summary>
    public const string SignedPath = SignedAnnouncement.SignedPath;

    private const int MaxDatagram = 65_000;

    private readonly ServiceRegistry _registry;
    private readonly MicronKeyRing _keys;
    private readonly SignatureVerifier _verifier;
    private readonly TimeProvider _time;
    private readonly ILogger<UdpDiscovery> _logger;
    private readonly Socket _socket;
    private readonly IPEndPoint _group;
    private readonly FrozenSet<string> _audience;
    private readonly ConcurrentDictionary<string, bool> _own = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _receiving;

    public UdpDiscovery(
        ServiceRegistry registry, MicronKeyRing keys, SignatureVerifier verifier, TimeProvider time, IOptions<MicronOptions> options, ILogger<UdpDiscovery> logger)
    {
        _registry = registry;
        _keys = keys;
        _verifier = verifier;
        _time = time;
        _logger = logger;
        var udp = options.Value.Udp;
        _group = ParseGroup(udp);
        _audience = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, _group.ToString()); // a datagram is for its group
        Interface = ParseInterface(udp);
        _socket = OpenSocket(_group, Interface, udp.TimeToLive);
    }

    public string Name => "udp";

    /// <summary>Gets the interface the group is joined on, when one was chosen.</summary>
    public IPAddress? Interface { get; }

    /// <summary>Gets how many datagrams were refused (bad signature, other secret, malformed), for tests and logs.</summary>
    public int Refused => _refused;

    private int _refused;

    // Datagrams are taken in as they arrive; the heartbeat only makes sure the listener runs.
    public Task ListenAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        _receiving ??= Task.Run(() => ReceiveAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task AnnounceAsync(IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken)
    {
        await ListenAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        foreach (var announcement in announcements)
        {
            if (announcement.Leave)
            {
                _own.TryRemove(announcement.Instance, out _);
            }
            else
            {
                _own[announcement.Instance] = true;
            }

            var datagram = Encode(announcement);
            if (datagram.Length > MaxDatagram)
            {
                LogTooLarge(_logger, announcement.Service, datagram.Length);
                continue;
            }

            try
            {
                await _socket.SendToAsync(datagram, SocketFlags.None, _group, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                LogSendFailed(_logger, _group.ToString(), ex.Message);
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _socket.Dispose();
        _stopping.Dispose();
    }

    private byte[] Encode(Announcement announcement)
        => SignedAnnouncement.Encode(_keys.Signing, SignedMethod, _group.ToString(), announcement, _time.GetUtcNow().ToUnixTimeSeconds());

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(65_536);
        var any = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                Take(buffer.AsSpan(0, received.ReceivedBytes), received.RemoteEndPoint);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                LogReceiveFailed(_logger, ex.Message);
            }
        }
    }

    private void Take(ReadOnlySpan<byte> datagram, EndPoint from)
    {
        if (!SignedAnnouncement.TrySplit(datagram, out var signature, out var body))
        {
            Refuse(from, "not a signed announcement");
            return;
        }

        if (_verifier.Verify(signature, _audience, SignedMethod, SignedPath, body) is { } error)
        {
            Refuse(from, error); // another group's secret, a forgery or a replay
            return;
        }

        Announcement? announcement;
        try
        {
            announcement = JsonSerializer.Deserialize<Announcement>(body);
        }
        catch (JsonException ex)
        {
            Refuse(from, ex.Message);
            return;
        }

        if (announcement is not null && !_own.ContainsKey(announcement.Instance))
        {
            _registry.Apply(announcement);
        }
    }

    private void Refuse(EndPoint from, string reason)
    {
        Interlocked.Increment(ref _refused);
        LogRefused(_logger, from.ToString() ?? "?", reason);
    }

    private static IPEndPoint ParseGroup(UdpDiscoveryOptions udp)
    {
        if (!IPAddress.TryParse(udp.Address, out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || (address.GetAddressBytes()[0] & 0xF0) != 0xE0)
        {
            throw new MicronStartupException($"--discovery-udp-address: '{udp.Address}' is not an IPv4 multicast address (224.0.0.0 to 239.255.255.255)");
        }

        if (udp.Port is < 1 or > 65535)
        {
            throw new MicronStartupException($"--discovery-udp-port: {udp.Port} is not a port (1 to 65535)");
        }

        return new IPEndPoint(address, udp.Port);
    }

    private static IPAddress? ParseInterface(UdpDiscoveryOptions udp)
    {
        if (string.IsNullOrWhiteSpace(udp.Interface))
        {
            return null;
        }

        return IPAddress.TryParse(udp.Interface, out var address) && address.AddressFamily == AddressFamily.InterNetwork
            ? address
            : throw new MicronStartupException($"--discovery-udp-interface: '{udp.Interface}' is not an IPv4 address");
    }

    private static Socket OpenSocket(IPEndPoint group, IPAddress? localInterface, int timeToLive)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            try
            {
                socket.Bind(group); // on Linux, binding the group hears only this group, not every group joined on the port
            }
            catch (SocketException)
            {
                socket.Bind(new IPEndPoint(IPAddress.Any, group.Port));
            }

            var membership = localInterface is null ? new MulticastOption(group.Address) : new MulticastOption(group.Address, localInterface);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, membership);
            if (localInterface is not null)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, localInterface.GetAddressBytes());
            }

            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, Math.Clamp(timeToLive, 1, 255));
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new MicronStartupException($"--discovery udp: cannot join {group} ({ex.Message})", ex);
        }
    }

    [LoggerMessage(EventId = 57, Level = LogLevel.Debug, Message = "Refused a discovery datagram from {From}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string from, string reason);

    [LoggerMessage(EventId = 58, Level = LogLevel.Error, Message = "The announcement of {Service} is {Bytes} bytes, too large for a datagram; use peers discovery")]
    private static partial void LogTooLarge(ILogger logger, string service, int bytes);

    [LoggerMessage(EventId = 59, Level = LogLevel.Warning, Message = "Cannot send to the discovery group {Group}: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string group, string reason);

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Receiving from the discovery group failed: {Reason}")]
    private static partial void LogReceiveFailed(ILogger logger, string reason);
}
