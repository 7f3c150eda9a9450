using Micron.Discovery;
using Micron.Hosting;
using Micron.Rpc;
using Micron.Rpc.Internal;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Micron.Tests.Rpc;

public class LoadBalancingTests
{
    private static Announcement Calc(string id, string url) => new() { Service = "calc", Version = "1", Instance = id, Url = url, Ttl = 60_000 };

    [Fact]
    public void LeastInFlight_PicksTheInstanceWithFewestCallsUnderWay()
    {
        var registry = new ServiceRegistry(TimeProvider.System, NullLogger<ServiceRegistry>.Instance);
        registry.Apply(Calc("a", "http://127.0.0.1:5001"));
        registry.Apply(Calc("b", "http://127.0.0.1:5002"));
        var health = new InstanceHealth(TimeProvider.System, Options.Create(new MicronOptions { LoadBalancing = "LeastInFlight" }));
        var a = registry.InstancesOf("calc").Single(i => i.Id == "a");
        var b = registry.InstancesOf("calc").Single(i => i.Id == "b");

        health.For(a).Enter();
        health.For(a).Enter();
        health.For(b).Enter();
        health.Choose(registry, "calc", [])!.Id.ShouldBe("b");

        health.For(a).Leave();
        health.For(a).Leave();
        health.Choose(registry, "calc", [])!.Id.ShouldBe("a");
        health.Choose(registry, "calc", [a])!.Id.ShouldBe("b");
    }

    [Fact]
    public async Task FailingInstance_StopsGettingCalls_OnceItsCircuitOpens()
    {
        var secret = TestHost.NewSecret();
        await using var good = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>(), "--secret", secret, "--services", "calc", "--discovery", "none");
        var broken = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]).Build();
        broken.Run(context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        await broken.StartAsync();
        await using var _ = broken;
        await using var client = await TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>(),
            "--secret", secret, "--services", "none", "--discovery", "none", "--Micron:BreakerMinimumCalls=4", "--Micron:BreakDuration=00:01:00");
        var registry = client.App.Services.GetRequiredService<ServiceRegistry>();
        registry.Apply(Calc("good", good.BaseAddress.ToString().TrimEnd('/'))).ShouldBeNull();
        registry.Apply(Calc("broken", broken.Urls.First())).ShouldBeNull();
        var calc = client.App.Services.GetRequiredService<RemoteCallTests.ICalc>();

        var failures = 0;
        for (var i = 0; i < 30; i++)
        {
            try
            {
                (await calc.Add(i, 1)).ShouldBe(i + 1);
            }
            catch (RemoteServiceException ex) when (ex.StatusCode == 500)
            {
                failures++;
                i.ShouldBeLessThan(12, "calls kept going to the failing instance after its circuit should have opened");
            }
        }

        failures.ShouldBeInRange(1, 6);
    }
}
