using System.Net;
using System.Net.Sockets;
using Micron.Discovery;
using Micron.Gateway.Internal.Epoll;
using Micron.Gateway.Internal.Fast;
using Micron.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Micron.Tests.Gateway;

/// <summary>The fast path's idle connections to instances: per instance, and per epoll loop or .NET's sockets.</summary>
public sealed class UpstreamPoolTests : IDisposable
{
    private readonly TcpListener _instance = new(IPAddress.Loopback, 0);
    private readonly ServiceRegistry _registry = new(TimeProvider.System, NullLogger<ServiceRegistry>.Instance);

    public UpstreamPoolTests() => _instance.Start();

    public void Dispose() => _instance.Stop();

    [Fact]
    public async Task AConnection_IsRentedOnlyByAClientOnItsOwnLoop_AndClosedWhenItsInstanceLeaves()
    {
        var announcement = new Announcement
        {
            Service = "backend", Version = "1.0.0", Instance = "b1", Url = $"http://127.0.0.1:{((IPEndPoint)_instance.LocalEndpoint).Port}", Ttl = 60_000,
        };
        _registry.Apply(announcement).ShouldBeNull();
        var instance = _registry.InstancesOf("backend").Single();
        using var pool = new UpstreamPool(_registry);
        var authority = pool.AuthorityOf(instance);
        var loop = EpollLoop.IsSupported ? EpollLoop.Next(NullLogger.Instance) : null;

        var onSockets = await UpstreamConnection.ConnectAsync(instance, authority, TimeSpan.FromSeconds(5), loop: null, CancellationToken.None);
        var onLoop = await UpstreamConnection.ConnectAsync(instance, authority, TimeSpan.FromSeconds(5), loop, CancellationToken.None);
        onLoop.Loop.ShouldBe(loop);
        pool.Return(onSockets);
        pool.Return(onLoop);

        if (loop is not null)
        {
            // A client on a loop gets the connection on its loop, one on .NET's sockets the other: never each other's.
            pool.TryRent(instance, authority, loop).ShouldBeSameAs(onLoop);
            pool.TryRent(instance, authority, loop).ShouldBeNull();
            pool.TryRent(instance, authority, null).ShouldBeSameAs(onSockets);
            pool.TryRent(instance, authority, null).ShouldBeNull();
            pool.Return(onSockets);
            pool.Return(onLoop);
        }

        // The instance leaves: its idle connections, on every loop, are closed.
        _registry.Apply(announcement with { Leave = true }).ShouldBeNull();
        await Eventually.TrueAsync(() => onSockets.Socket.SafeHandle.IsClosed && onLoop.Socket.SafeHandle.IsClosed, "the idle connections closed");
        pool.TryRent(instance, authority, loop).ShouldBeNull();
        pool.TryRent(instance, authority, null).ShouldBeNull();
    }
}
