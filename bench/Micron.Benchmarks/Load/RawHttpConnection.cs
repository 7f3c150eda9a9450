using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Micron.Benchmarks.Load;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends a pre-encoded request and reads one response at a time. Far
/// cheaper per request than HttpClient, so on a small machine the load generator takes less CPU from the server.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _request;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket, byte[] request)
    {
        _socket = socket;
        _request = request;
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri target, byte[] request, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(target.Host, target.Port, cancellationToken);
        return new RawHttpConnection(socket, request);
    }

    public static byte[] EncodeRequest(Uri target, string method = "GET", byte[]? body = null, string? contentType = null, IEnumerable<string>? headers = null)
    {
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(target.Authority).Append("\r\n");
        foreach (var header in headers ?? [])
        {
            head.Append(header).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Type: ").Append(contentType ?? "application/json").Append("\r\n")
                .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body ?? []];
    }

    /// <summary>Sends the request and reads the whole response; returns its status code.</summary>
    public async ValueTask<int> SendAsync(CancellationToken cancellationToken)
    {
        await _socket.SendAsync(_request, SocketFlags.None, cancellationToken);
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var head = _buffer.AsSpan(_start, headerEnd);
        var status = ParseStatus(head);
        var (length, chunked) = ParseFraming(head);
        _start += headerEnd + 4;
        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else
        {
            await SkipAsync(length, cancellationToken);
        }

        return status;
    }

    public void Dispose() => _socket.Dispose();

    private async ValueTask SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            var line = _buffer.AsSpan(_start, lineEnd);
            var semicolon = line.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(semicolon < 0 ? line : line[..semicolon], out long size, out _, 'x'))
            {
                throw new InvalidDataException("bad chunk size");
            }

            _start += lineEnd + 2;
            if (size == 0)
            {
                await SkipAsync(2, cancellationToken); // no trailers: the final CRLF
                return;
            }

            await SkipAsync(size + 2, cancellationToken);
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }

        _end += read;
    }

    private static int ParseStatus(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        return head.Length >= 12 && Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _)
            ? status
            : throw new InvalidDataException("bad status line");
    }

    private static (long Length, bool Chunked) ParseFraming(ReadOnlySpan<byte> head)
    {
        long length = 0;
        var chunked = false;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                Utf8Parser.TryParse(value, out length, out _);
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
        }

        return (length, chunked);
    }
}
