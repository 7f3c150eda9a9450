using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Micron.Dashboard.Internal;
using Micron.Discovery;
using Micron.Rpc.Internal;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Gateway.Internal.Fast;

/// <summary>
/// Forwards plain requests below Kestrel's HTTP layer, as a connection middleware of a dedicated gateway: a
/// <c>GET</c> or <c>HEAD</c> whose head <see cref="RequestHead"/> parses and whose route <see cref="FastRoutes"/> finds
/// is written to a kept-alive connection to an instance and the answer is relayed byte for byte, with the headers the
/// gateway adds or drops. Everything else, from the first request that is not plain on, is served by Kestrel and the
/// full gateway: the connection is handed over with the request's bytes unread. A request whose instance fails before
/// answering is handed over too, and the full gateway retries, answers 502 or 503 as it always does.
/// </summary>
internal sealed partial class FastForwarder(
    Forwarder forwarder,
    ServiceRegistry registry,
    InstanceHealth health,
    FastRoutes routes,
    RouteMetrics metrics,
    IOptions<GatewayOptions> options,
    IOptions<Http.MicronHttpOptions> http,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<FastForwarder> logger) : IDisposable
{
    private const int MaxResponseHead = 64 * 1024;
    private const int MaxChunkLine = 4 * 1024;
    private const int TraceParentLength = 55;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(130);
    private static readonly object Ok = 200;

    private readonly UpstreamPool _pool = new(registry);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _authorities = new(StringComparer.Ordinal);
    private readonly byte[] _hop = Encoding.ASCII.GetBytes(forwarder.HostId);

    private enum Outcome
    {
        Done,
        Close,
        HandOver,
    }

    public void Dispose() => _pool.Dispose();

    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var gateway = options.Value;
        var storage = ArrayPool<byte>.Shared.Rent((int)Math.Min(gateway.MaxRequestHeadersSize.Bytes, 64 * 1024));
        var head = new RequestHead();
        var request = new ArrayBufferWriter<byte>(1024);
        var remote = Encoding.ASCII.GetBytes((connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? string.Empty);
        using var timeout = new CancellationTokenSource();
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var closeRequested = closing.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        try
        {
            while (true)
            {
                // Wait up to the keep-alive time for a request to start, then up to the headers timeout for its head.
                ReadResult read;
                SequencePosition? end;
                var started = false;
                while (true)
                {
                    timeout.CancelAfter(started ? gateway.RequestHeadersTimeout : KeepAlive);
                    try
                    {
                        read = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        if (started && !closing.IsCancellationRequested)
                        {
                            await output.WriteAsync("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray()).ConfigureAwait(false);
                        }

                        return;
                    }

                    if (!timeout.TryReset())
                    {
                        return;
                    }

                    var buffer = read.Buffer;
                    end = RequestHead.FindEnd(buffer);
                    if (end is not null || read.IsCompleted || buffer.Length >= storage.Length)
                    {
                        break;
                    }

                    started = !buffer.IsEmpty;
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (end is null)
                {
                    if (read.Buffer.IsEmpty && read.IsCompleted)
                    {
                        input.AdvanceTo(read.Buffer.End);
                        return;
                    }

                    // A head too large or cut short: Kestrel answers it (431, 400) as it would any other.
                    await HandOverAsync(connection, next, read).ConfigureAwait(false);
                    return;
                }

                var headBytes = read.Buffer.Slice(0, end.Value);
                if (!head.TryParse(headBytes, storage) || routes.Find(head.IsHead, head.Path) is not { } route)
                {
                    await HandOverAsync(connection, next, read).ConfigureAwait(false);
                    return;
                }

                var outcome = await ForwardAsync(connection, head, route, request, remote, end.Value).ConfigureAwait(false);
                if (outcome == Outcome.HandOver)
                {
                    await HandOverAsync(connection, next, read).ConfigureAwait(false);
                    return;
                }

                if (outcome == Outcome.Close || head.Close || closing.IsCancellationRequested)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException or ObjectDisposedException)
        {
            LogConnectionEnded(logger, connection.ConnectionId, ex.GetType().Name);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(storage);
        }
    }

    private static Task HandOverAsync(ConnectionContext connection, ConnectionDelegate next, ReadResult read)
    {
        // Nothing of the request is consumed or examined, so Kestrel reads it again from the start.
        connection.Transport.Input.AdvanceTo(read.Buffer.Start);
        return next(connection);
    }

    private async Task<Outcome> ForwardAsync(
        ConnectionContext connection, RequestHead head, FastRoute route, ArrayBufferWriter<byte> request, byte[] remote, SequencePosition end)
    {
        var instance = forwarder.Pick(route.Service, null);
        if (instance is null || !string.Equals(instance.BaseUri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal))
        {
            return Outcome.HandOver; // the full gateway answers 503, or speaks to the instance its own way
        }

        var started = Stopwatch.GetTimestamp();
        var entry = health.For(instance);
        entry.Enter();
        UpstreamConnection? upstream = null;
        try
        {
            request.ResetWrittenCount();
            var trace = WriteRequest(request, head, instance.BaseUri, remote);

            // A kept-alive connection the instance closed meanwhile fails before any answer: once more on a new one.
            ResponseHead? answer = null;
            for (var attempt = 0; attempt < 2 && answer is null; attempt++)
            {
                upstream = _pool.TryRent(instance);
                if (upstream is null)
                {
                    try
                    {
                        upstream = await UpstreamConnection.ConnectAsync(instance.BaseUri, TimeSpan.FromSeconds(5), connection.ConnectionClosed).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
                    {
                        // The full gateway tries the instance again, reports it and retries or answers 502, as always.
                        return Outcome.HandOver;
                    }
                }

                answer = await SendAsync(upstream, request.WrittenMemory, head.IsHead).ConfigureAwait(false);
                if (answer is null)
                {
                    var reused = upstream.Reused;
                    upstream.Dispose();
                    upstream = null;
                    if (!reused)
                    {
                        return Outcome.HandOver;
                    }
                }
            }

            if (answer is not { } response || upstream is null)
            {
                return Outcome.HandOver;
            }

            if (response.TimedOut)
            {
                upstream.Dispose();
                upstream = null;
                connection.Transport.Input.AdvanceTo(end);
                await WriteTimeoutAsync(connection.Transport.Output, instance, trace).ConfigureAwait(false);
                return Outcome.Close;
            }

            // The instance answered: the request is consumed, and from here on a failure can only cut the connection.
            connection.Transport.Input.AdvanceTo(end);
            var output = connection.Transport.Output;
            var closeAfter = head.Close || response.Framing == Framing.UntilClose;
            output.Write(response.Head.AsSpan(0, response.HeadLength));
            if (closeAfter)
            {
                output.Write("Connection: close\r\n"u8);
            }

            output.Write("\r\n"u8);
            var complete = response.Framing switch
            {
                Framing.None => true,
                Framing.Length => await CopyAsync(upstream.Reader, output, response.ContentLength).ConfigureAwait(false),
                Framing.Chunked => await CopyChunkedAsync(upstream.Reader, output).ConfigureAwait(false),
                _ => await CopyToEndAsync(upstream.Reader, output).ConfigureAwait(false),
            };
            var flushed = await output.FlushAsync().ConfigureAwait(false);
            Record(route, head, response.Status, started);
            if (!complete)
            {
                upstream.Dispose();
                upstream = null;
                LogBrokenAnswer(logger, route.Template, instance.Id);
                connection.Abort(new ConnectionAbortedException("the instance broke off its answer"));
                return Outcome.Close;
            }

            if (response.KeepAlive && response.Framing != Framing.UntilClose)
            {
                _pool.Return(instance, upstream);
            }
            else
            {
                upstream.Dispose();
            }

            upstream = null;
            return flushed.IsCompleted || closeAfter ? Outcome.Close : Outcome.Done;
        }
        finally
        {
            entry.Leave();
            upstream?.Dispose();
        }
    }

    // The request as the instance gets it: the client's line and headers, Host the instance's, X-Forwarded-* and the
    // hop added, hop-by-hop headers dropped (RFC 9110 section 7.6.1), a traceparent when the client sent none.
    // Returns the request's trace, as the full gateway's errors name it.
    private byte[] WriteRequest(ArrayBufferWriter<byte> request, RequestHead head, Uri instance, byte[] remote)
    {
        byte[] trace;
        Append(request, head.Method);
        Append(request, " "u8);
        Append(request, head.Target);
        Append(request, " HTTP/1.1\r\nHost: "u8);
        Append(request, _authorities.GetOrAdd(instance.Authority, static authority => Encoding.ASCII.GetBytes(authority)));
        Append(request, "\r\n"u8);
        for (var i = 0; i < head.HeaderCount; i++)
        {
            if (!head.IsRewritten(i))
            {
                Append(request, head.Name(i));
                Append(request, ": "u8);
                Append(request, head.Value(i));
                Append(request, "\r\n"u8);
            }
        }

        Append(request, "X-Forwarded-For: "u8);
        if (head.ForwardedForIndex >= 0)
        {
            Append(request, head.Value(head.ForwardedForIndex));
            Append(request, ", "u8);
        }

        Append(request, remote);
        Append(request, "\r\nX-Forwarded-Proto: "u8);
        Append(request, head.ForwardedProtoIndex >= 0 ? head.Value(head.ForwardedProtoIndex) : "http"u8);
        Append(request, "\r\nX-Forwarded-Host: "u8);
        Append(request, head.ForwardedHostIndex >= 0 ? head.Value(head.ForwardedHostIndex) : head.Value(head.HostIndex));
        Append(request, "\r\nMicron-Hop: "u8);
        Append(request, _hop);
        if (head.TraceParentIndex >= 0)
        {
            trace = head.Value(head.TraceParentIndex).ToArray();
        }
        else
        {
            // 00-{trace id}-{span id}-00, written in place.
            Span<byte> ids = stackalloc byte[24];
            ActivityTraceId.CreateRandom().CopyTo(ids[..16]);
            ActivitySpanId.CreateRandom().CopyTo(ids[16..]);
            var text = request.GetSpan(TraceParentLength + 15);
            "\r\ntraceparent: 00-"u8.CopyTo(text);
            var at = 18;
            Convert.TryToHexStringLower(ids[..16], text[at..], out var written);
            at += written;
            text[at++] = (byte)'-';
            Convert.TryToHexStringLower(ids[16..], text[at..], out written);
            at += written;
            "-00"u8.CopyTo(text[at..]);
            trace = text.Slice(15, TraceParentLength).ToArray();
            request.Advance(at + 3);
        }

        Append(request, "\r\n\r\n"u8);
        return trace;
    }

    private static void Append(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    /// <summary>Sends the request and reads the answer's head; <see langword="null"/> when the connection failed first.</summary>
    private async Task<ResponseHead?> SendAsync(UpstreamConnection upstream, ReadOnlyMemory<byte> request, bool isHead)
    {
        var deadline = upstream.Deadline;
        deadline.CancelAfter(options.Value.UpstreamTimeout);
        try
        {
            var sent = 0;
            while (sent < request.Length)
            {
                sent += await upstream.Socket.SendAsync(request[sent..], System.Net.Sockets.SocketFlags.None, deadline.Token).ConfigureAwait(false);
            }

            var reader = upstream.Reader;
            while (true)
            {
                var read = await reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                var buffer = read.Buffer;
                if (RequestHead.FindEnd(buffer) is { } end)
                {
                    var parsed = ResponseHead.Parse(buffer.Slice(0, end), isHead);
                    reader.AdvanceTo(end);
                    return deadline.TryReset() ? parsed : ResponseHead.Timeout;
                }

                if (read.IsCompleted || buffer.Length > MaxResponseHead)
                {
                    reader.AdvanceTo(buffer.End);
                    return null;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return ResponseHead.Timeout;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static async Task<bool> CopyAsync(PipeReader source, PipeWriter target, long length)
    {
        while (length > 0)
        {
            var read = await source.ReadAsync().ConfigureAwait(false);
            var buffer = read.Buffer;
            var take = Math.Min(buffer.Length, length);
            foreach (var segment in buffer.Slice(0, take))
            {
                target.Write(segment.Span);
            }

            length -= take;
            source.AdvanceTo(buffer.GetPosition(take));
            if (length > 0)
            {
                if (read.IsCompleted)
                {
                    return false;
                }

                var flushed = await target.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static async Task<bool> CopyToEndAsync(PipeReader source, PipeWriter target)
    {
        while (true)
        {
            var read = await source.ReadAsync().ConfigureAwait(false);
            foreach (var segment in read.Buffer)
            {
                target.Write(segment.Span);
            }

            source.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return true;
            }

            if ((await target.FlushAsync().ConfigureAwait(false)).IsCompleted)
            {
                return false;
            }
        }
    }

    // Chunked answers pass through as they are: size lines, data and trailers; reading them finds where the answer ends.
    private static async Task<bool> CopyChunkedAsync(PipeReader source, PipeWriter target)
    {
        while (true)
        {
            var line = await CopyLineAsync(source, target).ConfigureAwait(false);
            if (line is null)
            {
                return false;
            }

            if (line == 0)
            {
                // Trailers, then the blank line.
                while (true)
                {
                    var trailer = await CopyLineAsync(source, target, chunkSize: false).ConfigureAwait(false);
                    if (trailer is null)
                    {
                        return false;
                    }

                    if (trailer == 0)
                    {
                        return true;
                    }
                }
            }

            if (!await CopyAsync(source, target, line.Value + 2).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Copies one line; returns the chunk size it gives (or, for a trailer line, its length), <see langword="null"/>
    /// when the source ended or the line is not valid.
    /// </summary>
    private static async Task<long?> CopyLineAsync(PipeReader source, PipeWriter target, bool chunkSize = true)
    {
        while (true)
        {
            var read = await source.ReadAsync().ConfigureAwait(false);
            var buffer = read.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
            {
                foreach (var segment in buffer.Slice(0, reader.Position))
                {
                    target.Write(segment.Span);
                }

                source.AdvanceTo(reader.Position);
                if (!chunkSize)
                {
                    return line.Length;
                }

                Span<byte> text = stackalloc byte[16];
                var digits = line.Length > MaxChunkLine ? 0 : (int)Math.Min(line.Length, 16);
                line.Slice(0, digits).CopyTo(text);
                var size = text[..digits];
                var stop = size.IndexOfAny((byte)';', (byte)' ', (byte)'\t');
                return Utf8Parser.TryParse(stop < 0 ? size : size[..stop], out long value, out var used, 'X') && used == (stop < 0 ? size.Length : stop) && value >= 0
                    ? value
                    : null;
            }

            if (read.IsCompleted || buffer.Length > MaxChunkLine)
            {
                source.AdvanceTo(buffer.End);
                return null;
            }

            source.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // The same answer the full gateway gives (ErrorResponse): problem JSON or plain text, as the host is configured.
    private async Task WriteTimeoutAsync(PipeWriter output, ServiceInstance instance, byte[] trace)
    {
        const int Status = StatusCodes.Status504GatewayTimeout;
        var detail = $"instance {instance.Id} of service '{instance.Service}' did not answer within {options.Value.UpstreamTimeout.TotalSeconds:0.###} s";
        byte[] body;
        string type;
        if (http.Value.ErrorFormat == Http.ErrorFormat.PlainText)
        {
            (body, type) = (Encoding.UTF8.GetBytes(detail), Http.Internal.MicroResponse.TextContentType);
        }
        else
        {
            var problem = new Http.Internal.ProblemDocument("about:blank", "Gateway Timeout", Status, detail, Http.ErrorCodes.UpstreamTimeout, Encoding.ASCII.GetString(trace), null);
            (body, type) = (System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(problem, json.Value.SerializerOptions), Http.Internal.ErrorResponse.ProblemContentType);
        }

        output.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 504 Gateway Timeout\r\nContent-Type: {type}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        output.Write(body);
        await output.FlushAsync().ConfigureAwait(false);
    }

    private void Record(FastRoute route, RequestHead head, int status, long started)
    {
        KeyValuePair<string, object?>[] tags =
        [
            new("http.route", route.Template),
            new("http.request.method", head.IsHead ? HttpMethods.Head : HttpMethods.Get),
            new("http.response.status_code", status == 200 ? Ok : status),
        ];
        metrics.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    [LoggerMessage(EventId = 113, Level = LogLevel.Debug, Message = "Connection {Connection} ended ({Reason})")]
    private static partial void LogConnectionEnded(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "{Route}: instance {Instance} broke off its answer; the client connection was cut")]
    private static partial void LogBrokenAnswer(ILogger logger, string route, string instance);
}
