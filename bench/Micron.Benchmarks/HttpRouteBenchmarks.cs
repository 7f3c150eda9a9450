using BenchmarkDotNet.Attributes;
using Micron.Hosting;
using Micron.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Benchmarks;

/// <summary>The three hello servers on real Kestrel over loopback HTTP/1.1 keep-alive, in this process.</summary>
public class HttpRouteBenchmarks : HelloServerBenchmarks
{
    private const string Listen = "tcp://127.0.0.1:0";
    private WebApplication _bare = null!;
    private MicronApplication _route = null!;
    private MicronApplication _micro = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var bare = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        bare.Logging.ClearProviders();
        _bare = bare.Build();
        MapBareRoute(_bare);
        await _bare.StartAsync();

        var route = MicronApplication.CreateBuilder(["--listen", Listen]);
        route.Logging.ClearProviders();
        route.Services.AddMicron().AddService<HelloService>();
        _route = route.Build();
        await _route.StartAsync();

        _micro = MicroServer.Create(["--listen", Listen, "--Logging:LogLevel:Default=None"], HelloFromPath);
        await _micro.StartAsync();

        BareClient = new HttpClient { BaseAddress = new Uri(_bare.Urls.First()) };
        RouteClient = new HttpClient { BaseAddress = new Uri(_route.Urls[0]) };
        MicroClient = new HttpClient { BaseAddress = new Uri(_micro.Urls[0]) };

        // Kestrel's code is shared by all three servers: warm it up for all of them before any is measured,
        // so the first benchmark does not pay for tiered compilation on the others' behalf.
        for (var i = 0; i < 5000; i++)
        {
            await Bare();
            await Route();
            await Micro();
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        BareClient.Dispose();
        RouteClient.Dispose();
        MicroClient.Dispose();
        await _bare.DisposeAsync();
        await _route.DisposeAsync();
        await _micro.DisposeAsync();
    }
}
