using Micron.Discovery;
using Micron.Discovery.Internal;
using Micron.Security;
using Micron.Tests.Rpc;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Micron.Tests.Discovery;

/// <summary>`--discovery local`: a folder per secret in the temp directory.</summary>
public class LocalDiscoveryTests
{
    [Fact]
    public async Task LastHostToLeave_RemovesTheFolder_AndTheNextOneMakesItAgain()
    {
        var secret = TestHost.NewSecret();
        var folder = Path.Combine(Path.GetTempPath(), "micron-local", new MicronKey(secret).Id);

        for (var round = 0; round < 2; round++)
        {
            var calc = await StartAsync(secret, "calc");
            var client = await StartAsync(secret, "client");
            Directory.EnumerateFiles(folder, "*.json").Count().ShouldBe(2);

            await calc.DisposeAsync();
            Directory.Exists(folder).ShouldBeTrue("the client is still there");
            await client.DisposeAsync();
            Directory.Exists(folder).ShouldBeFalse();
        }
    }

    private static Task<TestHost> StartAsync(string secret, string services)
        => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>().AddService<RemoteCallTests.ClientService>(),
            "--secret", secret, "--services", services);
}

/// <summary>`--discovery local` reading the folder: silent files, deleted files, and a host that was itself paused.</summary>
public sealed class LocalDiscoveryListenTests : IDisposable
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow); // file times are real: start at the real now
    private readonly ServiceRegistry _registry;
    private readonly LocalDiscovery _discovery;

    private readonly MicronKey _key = new(TestHost.NewSecret());

    public LocalDiscoveryListenTests()
    {
        _registry = new ServiceRegistry(_time, NullLogger<ServiceRegistry>.Instance);
        _discovery = new LocalDiscovery(_registry, new MicronKeyRing([_key]), _time, NullLogger<LocalDiscovery>.Instance);
    }

    public void Dispose()
    {
        if (Directory.Exists(_discovery.Directory))
        {
            Directory.Delete(_discovery.Directory, recursive: true);
        }
    }

    [Fact]
    public async Task AFileNotRewritten_IsASilentInstance_EvictedForItsSilence_NotALeave()
    {
        var file = Announce("a1", ttl: 750);
        await _discovery.ListenAsync(TimeSpan.Zero, CancellationToken.None);
        _registry.InstancesOf("account").Count.ShouldBe(1);

        // Its file is not rewritten for 2 s: no longer read, but not a leave either.
        _time.Advance(TimeSpan.FromSeconds(2));
        await _discovery.ListenAsync(TimeSpan.Zero, CancellationToken.None);
        _registry.InstancesOf("account").Count.ShouldBe(1, "a silent instance is the registry's to evict, for its silence");
        _registry.EvictSilent().ShouldBe(1);

        // A file that is gone was deleted by its instance as it left.
        Announce("a2", ttl: 750);
        await _discovery.ListenAsync(TimeSpan.Zero, CancellationToken.None);
        _registry.InstancesOf("account").Count.ShouldBe(1);
        File.Delete(Path.Combine(_discovery.Directory, "a2.json"));
        await _discovery.ListenAsync(TimeSpan.Zero, CancellationToken.None);
        _registry.InstancesOf("account").ShouldBeEmpty();
        File.Exists(file).ShouldBeTrue("a silent instance's file is left for a minute: it may be alive after all");
    }

    [Fact]
    public async Task AHostThatWasPaused_DoesNotTakeItsOwnPauseForItsPeersSilence()
    {
        Announce("a1", ttl: 750);
        await _discovery.ListenAsync(TimeSpan.Zero, CancellationToken.None);

        // This host and its peer (say, both in one process) were paused for 2 s; this host's heartbeat runs first.
        _time.Advance(TimeSpan.FromSeconds(2));
        await _discovery.ListenAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        _registry.EvictSilent(TimeSpan.FromSeconds(2)).ShouldBe(0);
        _registry.InstancesOf("account").Count.ShouldBe(1);

        // A beat later, before the peer has written its file again, this host is not paused: the peer is still there.
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await _discovery.ListenAsync(TimeSpan.Zero, CancellationToken.None);
        _registry.EvictSilent().ShouldBe(0);
        _registry.InstancesOf("account").Count.ShouldBe(1);

        // Then the peer writes its file again: nothing was ever lost.
        Announce("a1", ttl: 750);
        await _discovery.ListenAsync(TimeSpan.Zero, CancellationToken.None);
        _registry.EvictSilent().ShouldBe(0);
        _registry.InstancesOf("account").Count.ShouldBe(1);
    }

    /// <summary>Writes an instance's file as its host would (signed), dated this test's now.</summary>
    private string Announce(string instance, int ttl)
    {
        LocalFolder.Create(_discovery.Directory);
        var file = Path.Combine(_discovery.Directory, instance + ".json");
        var announcement = new Announcement { Service = "account", Version = "1.0.0", Instance = instance, Url = "http://127.0.0.1:5001", Ttl = ttl };
        File.WriteAllBytes(file, LocalFolder.Encode(_key, announcement, _time.GetUtcNow()));
        File.SetLastWriteTimeUtc(file, _time.GetUtcNow().UtcDateTime);
        return file;
    }
}
