using BenchmarkDotNet.Attributes;
using Micron.Hosting;
using Micron.Http;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Benchmarks;

/// <summary>
/// One GET over loopback HTTP/1.1 keep-alive: a Micron service route and a Micron one-function server against a
/// bare ASP.NET Core minimal API doing the same work, all in this process on real Kestrel.
/// </summary>
[MemoryDiagnoser]
public class HttpRouteBenchmarks
{
    private const string Listen = "tcp://127.0.0.1:0";
    private WebApplication _bare = null!;
    private MicronApplication _route = null!;
    private MicronApplication _micro = null!;
    private HttpClient _bareClient = null!;
    private HttpClient _routeClient = null!;
    private HttpClient _microClient = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var bare = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        bare.Logging.ClearProviders();
        _bare = bare.Build();
        _bare.MapGet("/hello/{name}", (string name) => $"Hello, {name}");
        await _bare.StartAsync();

        var route = MicronApplication.CreateBuilder(["--listen", Listen]);
        route.Logging.ClearProviders();
        route.Services.AddMicron().AddService<HelloService>();
        _route = route.Build();
        await _route.StartAsync();

        _micro = MicroServer.Create(["--listen", Listen, "--Logging:LogLevel:Default=None"], ctx => $"Hello, {ctx.Request.Path.Value![7..]}");
        await _micro.StartAsync();

        _bareClient = new HttpClient { BaseAddress = new Uri(_bare.Urls.First()) };
        _routeClient = new HttpClient { BaseAddress = new Uri(_route.Urls[0]) };
        _microClient = new HttpClient { BaseAddress = new Uri(_micro.Urls[0]) };

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
        foreach (var client in new[] { _bareClient, _routeClient, _microClient })
        {
            client.Dispose();
        }

        await _bare.DisposeAsync();
        await _route.DisposeAsync();
        await _micro.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "bare minimal API")]
    public Task<string> Bare() => _bareClient.GetStringAsync("/hello/world");

    [Benchmark(Description = "Micron service route")]
    public Task<string> Route() => _routeClient.GetStringAsync("/hello/world");

    [Benchmark(Description = "Micron one-function server")]
    public Task<string> Micro() => _microClient.GetStringAsync("/hello/world");

    public sealed class HelloService() : MicronService("hello")
    {
        protected override void Map(IServiceRoutes routes)
            => routes.MapGet("/hello/{name}", (string name) => $"Hello, {name}");
    }
}
