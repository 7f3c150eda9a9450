using System.Buffers;
using System.Net.WebSockets;
using Micron.Discovery;
using Micron.Http;
using Microsoft.Extensions.Logging;

namespace Micron.Gateway.Internal;

/// <summary>
/// Tunnels a client's WebSocket to the instance that owns the upgrade path: the upstream socket is opened first
/// (so a refusal is still an HTTP error), then messages are pumped both ways until either side closes.
/// </summary>
internal sealed partial class WebSocketTunnel(ServiceRegistry registry, Forwarder forwarder, ILogger<WebSocketTunnel> logger)
{
    private static readonly string[] Passed = ["Cookie", "Authorization", "Origin", "User-Agent", "traceparent"];

    public async Task TunnelAsync(HttpContext context, string service)
    {
        if (ForwardedHeaders.IsLoop(context.Request, forwarder.HostId))
        {
            throw new HttpError(StatusCodes.Status508LoopDetected, $"the request came back to gateway {forwarder.HostId}", ErrorCodes.LoopDetected);
        }

        var instance = registry.InstancesOf(service).FirstOrDefault(static i => !i.IsLocal)
            ?? throw new HttpError(StatusCodes.Status503ServiceUnavailable, $"no instance of service '{service}' is available", ErrorCodes.ServiceUnavailable);
        var request = context.Request;
        var target = new UriBuilder(instance.BaseUri)
        {
            Scheme = instance.BaseUri.Scheme == "https" ? "wss" : "ws",
            Path = request.PathBase + request.Path,
            Query = request.QueryString.Value,
        }.Uri;
        using var upstream = new ClientWebSocket();
        foreach (var name in Passed)
        {
            if (request.Headers[name] is { Count: > 0 } value)
            {
                upstream.Options.SetRequestHeader(name, value.ToString());
            }
        }

        upstream.Options.SetRequestHeader("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());
        upstream.Options.SetRequestHeader("X-Forwarded-Proto", request.Scheme);
        upstream.Options.SetRequestHeader("X-Forwarded-Host", request.Host.Value);
        upstream.Options.SetRequestHeader(ForwardedHeaders.Hop, request.Headers[ForwardedHeaders.Hop] is { Count: > 0 } hops ? hops + ", " + forwarder.HostId : forwarder.HostId);
        foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
        {
            upstream.Options.AddSubProtocol(protocol);
        }

        try
        {
            await upstream.ConnectAsync(target, forwarder.Invoker, context.RequestAborted).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            throw new HttpError(StatusCodes.Status502BadGateway, $"instance {instance.Id} of service '{service}' refused the WebSocket: {ex.Message}", ErrorCodes.UpstreamFailed, ex);
        }

        using var client = await context.WebSockets.AcceptWebSocketAsync(upstream.SubProtocol).ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var up = PumpAsync(client, upstream, done);
        var down = PumpAsync(upstream, client, done);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        LogClosed(logger, request.Path, instance.Id);
    }

    private static async Task PumpAsync(WebSocket from, WebSocket to, CancellationTokenSource done)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer.AsMemory(), done.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, done.Token).ConfigureAwait(false);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, done.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // One side went away without a close: the other side goes too.
            await done.CancelAsync().ConfigureAwait(false);
            to.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "WebSocket {Path} to instance {Instance} closed")]
    private static partial void LogClosed(ILogger logger, PathString path, string instance);
}
