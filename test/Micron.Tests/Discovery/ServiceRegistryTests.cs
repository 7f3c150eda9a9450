using Micron.Discovery;
using Micron.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Micron.Tests.Discovery;

public class ServiceRegistryTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    private ServiceRegistry Registry() => new(_time, NullLogger<ServiceRegistry>.Instance);

    private static Announcement Account(string instance = "a1", string url = "http://127.0.0.1:5001", int ttl = 3000) => new()
    {
        Service = "account",
        Version = "1.0.0",
        Instance = instance,
        Url = url,
        Ttl = ttl,
    };

    [Fact]
    public void Apply_SameInstanceTwice_MakesOneInstance()
    {
        var registry = Registry();

        registry.Apply(Account()).ShouldBeNull();
        registry.Apply(Account()).ShouldBeNull();

        registry.InstancesOf("account").Count.ShouldBe(1);
    }

    [Fact]
    public void SilentForItsTtl_IsEvicted_HeardFromIsKept()
    {
        var registry = Registry();
        registry.Apply(Account("a1"));
        registry.Apply(Account("a2", "http://127.0.0.1:5002"));

        _time.Advance(TimeSpan.FromSeconds(2));
        registry.Apply(Account("a2", "http://127.0.0.1:5002"));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        registry.EvictSilent().ShouldBe(1);

        registry.InstancesOf("account").Single().Id.ShouldBe("a2");
    }

    [Fact]
    public void SilenceWhileThisHostWasPaused_DoesNotCount()
    {
        var registry = Registry();
        registry.Apply(Account("a1")); // a ttl of 3 s

        // Five seconds pass, four of them while this host was paused (a long collection): it could hear nothing then.
        _time.Advance(TimeSpan.FromSeconds(5));
        registry.EvictSilent(pause: TimeSpan.FromSeconds(4)).ShouldBe(0);
        registry.InstancesOf("account").Count.ShouldBe(1);

        // Four seconds of silence while it was listening: gone.
        registry.EvictSilent(pause: TimeSpan.FromSeconds(1)).ShouldBe(1);
        registry.InstancesOf("account").ShouldBeEmpty();
    }

    [Fact]
    public void Unreachable_IsDropped_AndItsStaleAnnouncementsIgnoredForItsTtl()
    {
        var registry = Registry();
        registry.Apply(Account("a1"));
        registry.Apply(Account("a2", "http://127.0.0.1:5002"));

        registry.ReportUnreachable(registry.InstancesOf("account").Single(i => i.Id == "a1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var echo = registry.Apply(Account("a1")); // its last announcement, read again from a file or a peer's list

        echo.ShouldNotBeNull();
        echo.ShouldContain("refused a connection");
        registry.InstancesOf("account").Select(i => i.Id).ShouldBe(["a2"]);

        _time.Advance(TimeSpan.FromSeconds(2.5));
        registry.Apply(Account("a1")).ShouldBeNull(); // alive after all: back once its ttl has passed
        registry.InstancesOf("account").Count.ShouldBe(2);
    }

    [Fact]
    public void Leave_RemovesAtOnce()
    {
        var registry = Registry();
        registry.Apply(Account());

        registry.Apply(Account() with { Leave = true });

        registry.InstancesOf("account").ShouldBeEmpty();
    }

    [Fact]
    public void AnotherServiceClaimingALiveInstanceId_IsRejected()
    {
        var registry = Registry();
        registry.Apply(Account());

        var reason = registry.Apply(Account(url: "http://10.0.0.66:6666") with { Service = "impostor" });

        reason.ShouldBe("instance id a1 belongs to account at http://127.0.0.1:5001");
        registry.InstancesOf("impostor").ShouldBeEmpty();
        registry.InstancesOf("account").Single().Announcement.Url.ShouldBe("http://127.0.0.1:5001");
    }

    [Fact]
    public void ThisHostsOwnInstance_CannotBeClaimedOrRemovedFromOutside_EvenWhenOld()
    {
        var registry = Registry();
        registry.Apply(Account(), isLocal: true);
        _time.Advance(TimeSpan.FromMinutes(5));

        registry.Apply(Account(url: "http://10.0.0.66:6666") with { Service = "impostor" }).ShouldNotBeNull();
        registry.Apply(Account() with { Leave = true });
        registry.EvictSilent().ShouldBe(0);

        registry.InstancesOf("account").Single().IsLocal.ShouldBeTrue();
    }

    [Fact]
    public void ALeaveForSomeoneElsesInstance_IsIgnored()
    {
        var registry = Registry();
        registry.Apply(Account());

        registry.Apply(Account(url: "http://10.0.0.66:6666") with { Leave = true });

        registry.InstancesOf("account").Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("micron/9", "account", "a1", "http://h:1", 3000, "unsupported spec 'micron/9'")]
    [InlineData("micron/1", "bad name!", "a1", "http://h:1", 3000, "invalid service name 'bad name!'")]
    [InlineData("micron/1", "account", "", "http://h:1", 3000, "the instance id must have 1 to 64 characters")]
    [InlineData("micron/1", "account", "a1", "ftp://h:1", 3000, "invalid url 'ftp://h:1'")]
    [InlineData("micron/1", "account", "a1", "not a url", 3000, "invalid url 'not a url'")]
    [InlineData("micron/1", "account", "a1", "http://h:1", 5, "ttl 5 ms is outside 100..600000")]
    public void Malformed_IsRejectedWithAReason(string spec, string service, string instance, string url, int ttl, string reason)
        => Registry().Apply(new Announcement { Spec = spec, Service = service, Version = "1", Instance = instance, Url = url, Ttl = ttl }).ShouldBe(reason);

    [Fact]
    public void Pick_RoundRobinsAndSkipsWhatWasTried()
    {
        var registry = Registry();
        registry.Apply(Account("a1"));
        registry.Apply(Account("a2", "http://127.0.0.1:5002"));

        var first = registry.Pick("account")!;
        var second = registry.Pick("account")!;
        first.Id.ShouldNotBe(second.Id);
        registry.Pick("account", [first])!.Id.ShouldBe(second.Id);
        registry.Pick("account", [first, second]).ShouldBeNull();
        registry.Pick("nobody").ShouldBeNull();
    }

    [Fact]
    public async Task ChangeToken_FiresOnJoinAndLeave_NotOnAHeartbeat_AndNeverUnderTheLock()
    {
        var registry = Registry();
        var fired = 0;
        var applied = new List<string?>();
        void Listen() => registry.GetChangeToken().RegisterChangeCallback(_ =>
        {
            // A listener that writes to the registry itself: under the registry's lock this would deadlock.
            applied.Add(registry.Apply(Account("b1", "http://127.0.0.1:5002")));
            Interlocked.Increment(ref fired);
        }, null);

        Listen();
        registry.Apply(Account());
        await Support.Eventually.TrueAsync(() => Volatile.Read(ref fired) == 1, "the join firing the token");

        var heartbeat = registry.GetChangeToken();
        registry.Apply(Account());
        heartbeat.HasChanged.ShouldBeFalse("a heartbeat of a known instance changes nothing");

        registry.Apply(Account() with { Leave = true });
        await Support.Eventually.TrueAsync(() => heartbeat.HasChanged, "the leave firing the token");
        registry.InstancesOf("account").Select(static i => i.Id).ShouldBe(["b1"]);
        applied.ShouldBe([null]);
    }
}
