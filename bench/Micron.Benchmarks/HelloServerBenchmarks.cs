using BenchmarkDotNet.Attributes;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Micron.Benchmarks;

/// <summary>
/// <c>GET /hello/world</c> answered by a bare ASP.NET Core minimal API (the baseline), a Micron service route and a
/// Micron one-function server; subclasses decide how the three servers are hosted and reached.
/// </summary>
[MemoryDiagnoser]
public abstract class HelloServerBenchmarks
{
    protected HttpClient BareClient { get; set; } = null!;

    protected HttpClient RouteClient { get; set; } = null!;

    protected HttpClient MicroClient { get; set; } = null!;

    [Benchmark(Baseline = true, Description = "bare minimal API")]
    public Task<string> Bare() => BareClient.GetStringAsync("/hello/world");

    [Benchmark(Description = "Micron service route")]
    public Task<string> Route() => RouteClient.GetStringAsync("/hello/world");

    [Benchmark(Description = "Micron one-function server")]
    public Task<string> Micro() => MicroClient.GetStringAsync("/hello/world");

    /// <summary>The baseline's only route.</summary>
    public static void MapBareRoute(WebApplication app) => app.MapGet("/hello/{name}", (string name) => $"Hello, {name}");

    /// <summary>The one-function server's handler.</summary>
    public static string HelloFromPath(HttpContext context) => $"Hello, {context.Request.Path.Value!["/hello/".Length..]}";

    public sealed class HelloService : MicronService
    {
        protected override void Map(IServiceRoutes routes)
            => routes.MapGet("/hello/{name}", (string name) => $"Hello, {name}");
    }
}
