using System.Net.WebSockets;
using Micron.Hosting;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Benchmarks.Runner;

/// <summary>
/// Rows 4 and 8's servers: a backend (hello, a streamed body, a WebSocket echo) and a gateway that runs no service and
/// forwards to it.
/// </summary>
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
        builder.Services.AddMicron().AddService<HelloServerBenchmarks.HelloService>().AddService<StreamService>().AddService<EchoService>().AddGateway();
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

    /// <summary><c>/echo/socket</c>: a WebSocket that sends every message back as it came.</summary>
    public sealed class EchoService : MicronService
    {
        protected override void Map(IServiceRoutes routes) => routes.MapWebSocket("/echo/socket", EchoAsync);

        private static async Task EchoAsync(HttpContext context, WebSocket socket)
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away.
            }
        }
    }
}
