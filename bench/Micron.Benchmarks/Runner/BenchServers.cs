using Micron.Hosting;
using Micron.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Benchmarks.Runner;

/// <summary>The servers <c>bench/run</c> measures, each run as its own process: <c>serve KIND PORT</c>.</summary>
internal static class BenchServers
{
    public static readonly string[] Kinds = ["bare", "route", "micro", "rpc", "rpc-baseline", "gateway-backend", "gateway"];

    public static async Task<int> ServeAsync(string kind, int port, string[] extra)
    {
        string[] quiet = ["--Logging:LogLevel:Default=Warning", .. extra];
        switch (kind)
        {
            case "bare":
                var bare = WebApplication.CreateBuilder([.. quiet, "--urls", $"http://127.0.0.1:{port}"]).Build();
                HelloServerBenchmarks.MapBareRoute(bare);
                await bare.RunAsync();
                return 0;
            case "route":
                var route = MicronApplication.CreateBuilder([.. quiet, "--listen", $"tcp://127.0.0.1:{port}"]);
                route.Services.AddMicron().AddService<HelloServerBenchmarks.HelloService>();
                await route.Build().RunAsync();
                return Environment.ExitCode;
            case "micro":
                await MicroServer.RunAsync([.. quiet, "--listen", $"tcp://127.0.0.1:{port}"], HelloServerBenchmarks.HelloFromPath);
                return Environment.ExitCode;
            case "rpc":
                var rpc = MicronApplication.CreateBuilder([.. quiet, "--listen", $"tcp://127.0.0.1:{port}"]);
                rpc.Services.AddMicron().AddService<QuoteService>();
                await rpc.Build().RunAsync();
                return Environment.ExitCode;
            case "rpc-baseline":
                var baseline = WebApplication.CreateBuilder([.. quiet, "--urls", $"http://127.0.0.1:{port}"]).Build();
                baseline.MapGet("/hello/ready", () => "ready");
                baseline.MapPost("/quote", (QuoteRequest request) => new Quote(request.ProductId, request.ProductId * 1.5m));
                await baseline.RunAsync();
                return 0;
            case "gateway-backend":
            case "gateway":
                return await GatewayServers.ServeAsync(kind, port, quiet);
            default:
                await Console.Error.WriteLineAsync($"unknown server '{kind}'; one of: {string.Join(", ", Kinds)}");
                return 2;
        }
    }
}
