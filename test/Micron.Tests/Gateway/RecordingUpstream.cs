using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Micron.Tests.Gateway;

/// <summary>
/// An instance on raw TCP that records the exact bytes every connection sends, reads them as HTTP/1.1 requests (bodies
/// framed by <c>Content-Length</c> or chunks, as a gateway sends them) and answers each with the same fixed bytes,
/// keeping the connection open. What a gateway forwarded is what it recorded, with nothing of its own in the way.
/// </summary>
public sealed class RecordingUpstream : IAsyncDisposable
{
    /// <summary>An empty 200 framed by its length.</summary>
    public const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private readonly TcpListener _listener;
    private readonly byte[] _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _requestLines = new();
    private readonly ConcurrentQueue<(TcpClient Client, MemoryStream Received)> _connections = new();
    private readonly ConcurrentBag<Task> _serving = [];
    private readonly Task _accepting;

    private RecordingUpstream(byte[] answer)
    {
        _answer = answer;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Gets how many connections were accepted.</summary>
    public int Connections => _connections.Count;

    /// <summary>Gets the request lines read, in the order their heads were complete (<c>GET /x HTTP/1.1</c>).</summary>
    public IReadOnlyList<string> RequestLines => [.. _requestLines];

    /// <summary>Gets every byte received, connection after connection, as Latin-1.</summary>
    public string Received
    {
        get
        {
            var all = new StringBuilder();
            foreach (var (_, received) in _connections)
            {
                lock (received)
                {
                    all.Append(Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length));
                }
            }

            return all.ToString();
        }
    }

    /// <summary>Starts listening on an ephemeral loopback port; every request gets <paramref name="answer"/>.</summary>
    public static RecordingUpstream Start(string answer = Ok) => new(Encoding.Latin1.GetBytes(answer));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var (client, _) in _connections)
        {
            client.Dispose();
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_serving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var received = new MemoryStream();
            _connections.Enqueue((client, received));
            _serving.Add(ServeAsync(client, received));
        }
    }

    private async Task ServeAsync(TcpClient client, MemoryStream received)
    {
        var stream = client.GetStream();
        var reader = new WireReader(stream, bytes =>
        {
            lock (received)
            {
                received.Write(bytes.Span);
            }
        });
        try
        {
            while (await reader.ReadThroughAsync(HeadEnd, _stop.Token) is { } head)
            {
                var lines = Encoding.Latin1.GetString(head).Split("\r\n");
                _requestLines.Enqueue(lines[0]);
                if (!await SkipBodyAsync(reader, lines))
                {
                    return;
                }

                await stream.WriteAsync(_answer, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or FormatException or OverflowException)
        {
            // Stopped, the gateway went away, or it sent what this instance cannot read (the test's assertions say so).
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task<bool> SkipBodyAsync(WireReader reader, string[] lines)
    {
        string? Header(string name) => lines.Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

        if (Header("Transfer-Encoding") is { } coding && coding.EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (await reader.ReadThroughAsync(LineEnd, _stop.Token) is { } sizeLine)
            {
                var size = long.Parse(Encoding.Latin1.GetString(sizeLine).Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (await reader.ReadThroughAsync(LineEnd, _stop.Token) is { Length: > 2 })
                    {
                    }

                    return true;
                }

                if (!await reader.SkipAsync(size + LineEnd.Length, _stop.Token))
                {
                    return false;
                }
            }

            return false;
        }

        return Header("Content-Length") is not { } length || await reader.SkipAsync(long.Parse(length, CultureInfo.InvariantCulture), _stop.Token);
    }
}
