using Micron.Hosting;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Benchmarks.Runner;

/// <summary>Row 4's servers: a backend (hello and a streamed body) and a gateway that runs no service and forwards to it.</summary>
internal static class GatewayServers
{
    public static async Task<int> ServeAsync(string kind, int port, string[] args)
    {
        if (kind == "gateway")
        {
            // As `micron gateway` does.
            Gateway.GatewayProcess.UseInlineSocketCompletions();
        }

        var builder = MicronApplication.CreateBuilder([.. args, "--listen", $"tcp://127.0.0.1:{port}", .. kind == "gateway" ? (string[])["--services", "none"] : []]);
        builder.Services.AddMicron().AddService<HelloServerBenchmarks.HelloService>().AddService<StreamService>().AddGateway();
        await builder.Build().RunAsync();
        return Environment.ExitCode;
    }

    /// <summary><c>GET /stream/{megabytes}</c>: that many MiB of zeros, written in 64 KiB chunks with a Content-Length.</summary>
    public sealed class StreamService : MicronService
    {
        private static readonly byte[] Chunk = new byte[64 * 1024];

        protected override void Map(IServiceRoutes routes)
            => routes.MapGet("/stream/{megabytes:int}", async (HttpContext context, int megabytes) =>
            {
                context.Response.ContentType = "application/octet-stream";
                context.Response.ContentLength = megabytes * 1024L * 1024;
                for (var i = 0; i < megabytes * 16; i++)
                {
                    await context.Response.Body.WriteAsync(Chunk, context.RequestAborted);
                }
            });
    }
}
