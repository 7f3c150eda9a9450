using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Shop.Chat;

/// <summary>A WebSocket chat: every message is echoed to its sender and broadcast to everyone else connected.</summary>
public sealed class ChatService : MicronService
{
    private readonly ConcurrentDictionary<WebSocket, SemaphoreSlim> _sockets = new();

    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes)
    {
        routes.MapGet("/chat", () => Results.Content(Page, "text/html; charset=utf-8")).WithLayout();
        routes.MapWebSocket("/chat/socket", ServeAsync);
    }

    private async Task ServeAsync(HttpContext context, WebSocket socket)
    {
        var gate = new SemaphoreSlim(1, 1);
        _sockets[socket] = gate;
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                // Messages up to the buffer's size; a longer one is sent on in pieces, as it came.
                var message = buffer.AsMemory(0, received.Count).ToArray();
                foreach (var (peer, peerGate) in _sockets)
                {
                    await SendAsync(peer, peerGate, message, received.MessageType, received.EndOfMessage);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
        }
    }

    private static async Task SendAsync(WebSocket peer, SemaphoreSlim gate, byte[] message, WebSocketMessageType type, bool end)
    {
        await gate.WaitAsync();
        try
        {
            if (peer.State == WebSocketState.Open)
            {
                await peer.SendAsync(message, type, end, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // That peer is gone; its own loop removes it.
        }
        finally
        {
            gate.Release();
        }
    }

    private const string Page = """
        <h1>Chat</h1>
        <ul id="messages"></ul>
        <form id="say"><input id="text" autocomplete="off"><button>Send</button></form>
        <script>
          const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/chat/socket");
          socket.onmessage = e => { const li = document.createElement("li"); li.textContent = e.data; messages.append(li); };
          say.onsubmit = e => { e.preventDefault(); socket.send(text.value); text.value = ""; };
        </script>
        """;
}
