using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Micron.Tests.Gateway;

/// <summary>An answer read off the wire: its status, its head as sent, and its body.</summary>
public sealed record RawAnswer(int Status, string Head, string Body)
{
    /// <summary>The value of the first header named <paramref name="name"/>, if any.</summary>
    public string? Header(string name)
        => Head.Split("\r\n").Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
}

/// <summary>
/// A client connection that writes bytes exactly as given (malformed ones too) and reads the answers, framed by
/// <c>Content-Length</c>, by chunks or by the close. Every read is bounded in time.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    /// <summary>How long a read waits before the test fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private readonly TcpClient _tcp;
    private readonly WireReader _reader;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _reader = new WireReader(tcp.GetStream());
    }

    public static async Task<RawClient> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port);
        return new RawClient(tcp);
    }

    /// <summary>Writes <paramref name="raw"/> as Latin-1, one byte per character.</summary>
    public Task WriteAsync(string raw) => _tcp.GetStream().WriteAsync(Encoding.Latin1.GetBytes(raw)).AsTask();

    /// <summary>Writes a request and reads its answer; the connection must not end first.</summary>
    public async Task<RawAnswer> SendAsync(string raw)
    {
        await WriteAsync(raw);
        return await ReadAnswerAsync() ?? throw new IOException("the server closed the connection without answering");
    }

    /// <summary>Reads the next answer; <see langword="null"/> when the connection ends before one.</summary>
    public async Task<RawAnswer?> ReadAnswerAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? Patience);
        var token = timeout.Token;
        if (await _reader.ReadThroughAsync(HeadEnd, token) is not { } headBytes)
        {
            return null;
        }

        var head = Encoding.Latin1.GetString(headBytes);
        var answer = new RawAnswer(int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture), head, string.Empty);
        if (answer.Status is 204 or 304 || answer.Status < 200)
        {
            return answer;
        }

        if (answer.Header("Transfer-Encoding") is { } coding && coding.EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return answer with { Body = await ReadChunksAsync(token) };
        }

        if (answer.Header("Content-Length") is { } length)
        {
            var body = await _reader.ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), token) ?? throw new IOException("the answer was cut short");
            return answer with { Body = Encoding.Latin1.GetString(body) };
        }

        return answer with { Body = Encoding.Latin1.GetString(await _reader.ReadToEndAsync(token)) };
    }

    /// <summary>
    /// Reads until the server closes the connection: what it sent until then, and whether it closed within
    /// <paramref name="within"/> (else what it sent so far).
    /// </summary>
    public async Task<(string Sent, bool Closed)> ReadUntilClosedAsync(TimeSpan? within = null)
    {
        var rest = new StringBuilder(Encoding.Latin1.GetString(_reader.TakeBuffered()));
        var reader = new WireReader(_tcp.GetStream(), bytes => rest.Append(Encoding.Latin1.GetString(bytes.Span)));
        using var timeout = new CancellationTokenSource(within ?? Patience);
        try
        {
            await reader.ReadToEndAsync(timeout.Token);
            return (rest.ToString(), true);
        }
        catch (OperationCanceledException)
        {
            return (rest.ToString(), false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> ReadChunksAsync(CancellationToken token)
    {
        var body = new StringBuilder();
        while (true)
        {
            var line = Encoding.Latin1.GetString(await _reader.ReadThroughAsync(LineEnd, token) ?? throw new IOException("the chunks were cut short"));
            var size = int.Parse(line.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                // Trailers, up to the blank line.
                while ((await _reader.ReadThroughAsync(LineEnd, token) ?? throw new IOException("the trailers were cut short")).Length > LineEnd.Length)
                {
                }

                return body.ToString();
            }

            var chunk = await _reader.ReadExactlyAsync(size + LineEnd.Length, token) ?? throw new IOException("a chunk was cut short");
            body.Append(Encoding.Latin1.GetString(chunk, 0, size));
        }
    }
}
