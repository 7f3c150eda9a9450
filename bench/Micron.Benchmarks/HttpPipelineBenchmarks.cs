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
/// The three hello servers on ASP.NET Core's in-memory test server: no sockets, so what differs is the request
/// pipeline itself (routing, filters, Micron's middleware and writers).
/// </summary>
public class HttpPipelineBenchmarks : HelloServerBenchmarks
{
    private readonly List<IAsyncDisposable> _apps = [];

    [GlobalSetup]
    public async Task Setup()
    {
        var bare = WebApplication.CreateBuilder();
        bare.WebHost.UseTestServer();
        bare.Logging.ClearProviders();
        var bareApp = bare.Build();
        MapBareRoute(bareApp);
        await bareApp.StartAsync();
        _apps.Add(bareApp);
        BareClient = bareApp.GetTestClient();

        RouteClient = await StartMicronAsync(b => b.Services.AddMicron().AddService<HelloService>(), _ => { });
        MicroClient = await StartMicronAsync(_ => { }, app => app.Map("/{**path}", MicroServer.ToRequestDelegate(HelloFromPath)));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private async Task<HttpClient> StartMicronAsync(Action<MicronApplicationBuilder> configure, Action<MicronApplication> map)
    {
        var builder = MicronApplication.CreateBuilder([]);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        _apps.Add(app);
        return ((TestServer)app.Services.GetRequiredService<IServer>()).CreateClient();
    }
}
