using System.Diagnostics;
using System.Net.WebSockets;

namespace Micron.Benchmarks.Load;

/// <summary>
/// Closed-loop WebSocket load against an echo: each socket sends a small binary message and waits for the same bytes
/// to come back before it sends the next. The sockets are opened (and upgraded) before the clock starts.
/// </summary>
internal static class WebSocketLoadGenerator
{
    /// <summary>The size of every message, in bytes: a chat line, a small event.</summary>
    public const int MessageSize = 32;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<LoadResult> EchoAsync(Uri target, int sockets, TimeSpan duration, CancellationToken cancellationToken)
    {
        var opened = new List<ClientWebSocket>(sockets);
        try
        {
            for (var i = 0; i < sockets; i++)
            {
                var socket = new ClientWebSocket();
                opened.Add(socket);
                await socket.ConnectAsync(target, cancellationToken);
            }

            var latencies = new List<long>[sockets];
            long errors = 0;
            var start = Stopwatch.GetTimestamp();
            var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);

            async Task Worker(int index)
            {
                var socket = opened[index];
                var mine = latencies[index] = new List<long>(4096);
                var message = new byte[MessageSize];
                var echo = new byte[MessageSize];
                long begin;
                while ((begin = Stopwatch.GetTimestamp()) < end)
                {
                    message[0] = (byte)mine.Count;
                    await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                    if (!await ReceiveEchoAsync(socket, message, echo, cancellationToken))
                    {
                        // The socket is no longer in step with its echo: count it and stop using it.
                        Interlocked.Increment(ref errors);
                        return;
                    }

                    mine.Add(Stopwatch.GetTimestamp() - begin);
                }
            }

            var workers = new Task[sockets];
            for (var i = 0; i < sockets; i++)
            {
                workers[i] = Worker(i);
            }

            await Task.WhenAll(workers);
            var elapsed = Stopwatch.GetElapsedTime(start);
            var all = latencies.SelectMany(static l => l).ToArray();
            Array.Sort(all);
            return new LoadResult(all.Length, errors, elapsed, all);
        }
        finally
        {
            await Task.WhenAll(opened.Select(CloseAsync));
        }
    }

    /// <summary>Reads one whole message; whether it is the echo of <paramref name="sent"/>.</summary>
    private static async Task<bool> ReceiveEchoAsync(ClientWebSocket socket, byte[] sent, byte[] buffer, CancellationToken cancellationToken)
    {
        var count = 0;
        ValueWebSocketReceiveResult received;
        do
        {
            if (count == buffer.Length)
            {
                return false;
            }

            received = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
            count += received.Count;
        }
        while (!received.EndOfMessage);

        return received.MessageType == WebSocketMessageType.Binary && buffer.AsSpan(0, count).SequenceEqual(sent);
    }

    private static async Task CloseAsync(ClientWebSocket socket)
    {
        using (socket)
        {
            if (socket.State != WebSocketState.Open)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Measuring is over; a close that does not finish cleanly only ends the socket sooner.
            }
        }
    }
}
