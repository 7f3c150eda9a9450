using BenchmarkDotNet.Attributes;
using Micron.Hosting;
using Micron.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Benchmarks;

/// <summary>
/// The same three servers as <see cref="HttpRouteBenchmarks"/> on ASP.NET Core's in-memory test server: no
/// sockets, so what differs is the request pipeline itself (routing, filters, Micron's middleware and writers).
/// </summary>
[MemoryDiagnoser]
public class HttpPipelineBenchmarks
{
    private WebApplication _bare = null!;
    private MicronApplication _route = null!;
    private MicronApplication _micro = null!;
    private HttpClient _bareClient = null!;
    private HttpClient _routeClient = null!;
    private HttpClient _microClient = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var bare = WebApplication.CreateBuilder();
        bare.WebHost.UseTestServer();
        bare.Logging.ClearProviders();
        _bare = bare.Build();
        _bare.MapGet("/hello/{name}", (string name) => $"Hello, {name}");
        await _bare.StartAsync();
        _bareClient = _bare.GetTestClient();

        _route = await StartMicronAsync(b => b.Services.AddMicron().AddService<HttpRouteBenchmarks.HelloService>(), _ => { });
        _routeClient = _route.Services.GetRequiredService<IServer>() is TestServer s1 ? s1.CreateClient() : throw new InvalidOperationException();

        _micro = await StartMicronAsync(_ => { }, app => app.Map("/{**path}", MicroServer.ToRequestDelegate(ctx => $"Hello, {ctx.Request.Path.Value![7..]}")));
        _microClient = _micro.Services.GetRequiredService<IServer>() is TestServer s2 ? s2.CreateClient() : throw new InvalidOperationException();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
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

    private static async Task<MicronApplication> StartMicronAsync(Action<MicronApplicationBuilder> configure, Action<MicronApplication> map)
    {
        var builder = MicronApplication.CreateBuilder([]);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }
}
