using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
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
internal sealed partial class FastForwarder : IDisposable
{
    private const int MaxResponseHead = 64 * 1024;
    private const int MaxChunkLine = 4 * 1024;
    private const int TraceParentLength = 55;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(130);
    private static readonly object Ok = 200;
    private static readonly ExecutionContext DefaultContext = CaptureDefaultContext();

    private readonly Forwarder _forwarder;
    private readonly InstanceHealth _health;
    private readonly FastRoutes _routes;
    private readonly IOptions<GatewayOptions> _options;
    private readonly IOptions<Http.MicronHttpOptions> _http;
    private readonly IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> _json;
    private readonly ILogger<FastForwarder> _logger;
    private readonly UpstreamPool _pool;
    private readonly FastDeadlines _deadlines;
    private readonly Histogram<double> _duration;
    private readonly byte[] _hop;
    private readonly long _keepAlive;
    private readonly long _headersTimeout;
    private readonly long _upstreamTimeout;

    public FastForwarder(
        Forwarder forwarder,
        ServiceRegistry registry,
        InstanceHealth health,
        FastRoutes routes,
        IMeterFactory meters,
        IOptions<GatewayOptions> options,
        IOptions<Http.MicronHttpOptions> http,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        ILogger<FastForwarder> logger)
    {
        (_forwarder, _health, _routes, _options, _http, _json, _logger) = (forwarder, health, routes, options, http, json, logger);
        _pool = new UpstreamPool(registry);
        _hop = Encoding.ASCII.GetBytes(forwarder.HostId);
        var gateway = options.Value;
        _keepAlive = Ticks(KeepAlive);
        _headersTimeout = Ticks(gateway.RequestHeadersTimeout);
        _upstreamTimeout = Ticks(gateway.UpstreamTimeout);

        // Checked often enough that no deadline runs over by more than a tenth of the shortest one (or a second).
        var shortest = gateway.RequestHeadersTimeout < gateway.UpstreamTimeout ? gateway.RequestHeadersTimeout : gateway.UpstreamTimeout;
        _deadlines = new FastDeadlines(TimeSpan.FromMilliseconds(Math.Clamp(shortest.TotalMilliseconds / 10, 10, 1000)));

        // ASP.NET Core's own request duration (the same instrument, from the same meter): the dashboard and any
        // exporter see relayed requests as they see the ones Kestrel serves.
        _duration = meters.Create("Microsoft.AspNetCore.Hosting").CreateHistogram(
            "http.server.request.duration",
            unit: "s",
            description: "Duration of HTTP server requests.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });
    }

    private enum Outcome
    {
        Done,
        Close,
        HandOver,
    }

    public void Dispose()
    {
        _deadlines.Dispose();
        _pool.Dispose();
    }

    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        // Kestrel calls connection middleware inside the connection's logging scope, an AsyncLocal, so every
        // continuation would switch execution contexts. The fast path runs on the default context (the builder restores
        // Kestrel's to the caller) and gives the connection back to Kestrel on its own.
        var kestrelContext = ExecutionContext.Capture();
        ExecutionContext.Restore(DefaultContext);
        var input = connection.Transport.Input;
        var state = new ClientState(
            ArrayPool<byte>.Shared.Rent((int)Math.Min(_options.Value.MaxRequestHeadersSize.Bytes, 64 * 1024)),
            Encoding.ASCII.GetBytes((connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? string.Empty));
        var deadline = _deadlines.Watch(input);
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var closeRequested = closing.UnsafeRegister(static reader => ((PipeReader)reader!).CancelPendingRead(), input);
        var handOver = false;
        ReadResult read = default;
        try
        {
            deadline.Enter(FastPhase.Idle, Stopwatch.GetTimestamp() + _keepAlive);
            while (true)
            {
                // Wait up to the keep-alive time for a request to start, then up to the headers timeout for its head.
                SequencePosition? end;
                while (true)
                {
                    read = await input.ReadAsync().ConfigureAwait(false);
                    if (read.IsCanceled)
                    {
                        if (deadline.IsExpired && deadline.ExpiredIn == FastPhase.Head && !closing.IsCancellationRequested)
                        {
                            await connection.Transport.Output.WriteAsync("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray()).ConfigureAwait(false);
                        }

                        if (deadline.IsExpired || closing.IsCancellationRequested)
                        {
                            return;
                        }

                        input.AdvanceTo(read.Buffer.Start);
                        continue;
                    }

                    var buffer = read.Buffer;
                    end = RequestHead.FindEnd(buffer);
                    if (end is not null || read.IsCompleted || buffer.Length >= state.Storage.Length)
                    {
                        break;
                    }

                    if (!buffer.IsEmpty && !deadline.Enter(FastPhase.Head, Stopwatch.GetTimestamp() + _headersTimeout))
                    {
                        return;
                    }

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
                    handOver = true;
                    break;
                }

                var head = state.Head;
                var headBytes = read.Buffer.Slice(0, end.Value);
                if (!head.TryParse(headBytes, state.Storage) || _routes.Find(head.IsHead, head.Path) is not { } route)
                {
                    handOver = true;
                    break;
                }

                var outcome = await ForwardAsync(connection, state, deadline, route, end.Value).ConfigureAwait(false);
                if (outcome == Outcome.HandOver)
                {
                    handOver = true;
                    break;
                }

                if (outcome == Outcome.Close || head.Close || closing.IsCancellationRequested)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException or ObjectDisposedException)
        {
            LogConnectionEnded(_logger, connection.ConnectionId, ex.GetType().Name);
        }
        finally
        {
            // Handed over only if the heartbeat did not expire it meanwhile: it would cancel Kestrel's read.
            handOver &= deadline.Enter(FastPhase.HandedOver, long.MaxValue);
            deadline.Dispose();
            closeRequested.Dispose();
            ArrayPool<byte>.Shared.Return(state.Storage);
        }

        if (handOver)
        {
            // Nothing of the request is consumed or examined, so Kestrel reads it again from the start.
            input.AdvanceTo(read.Buffer.Start);
            if (kestrelContext is not null)
            {
                ExecutionContext.Restore(kestrelContext);
            }

            await next(connection).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome> ForwardAsync(ConnectionContext connection, ClientState state, FastDeadline deadline, FastRoute route, SequencePosition end)
    {
        var head = state.Head;
        var instance = _forwarder.Pick(route.Service, null);
        if (instance is null || !string.Equals(instance.BaseUri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal))
        {
            return Outcome.HandOver; // the full gateway answers 503, or speaks to the instance its own way
        }

        var started = Stopwatch.GetTimestamp();
        var entry = _health.For(instance);
        entry.Enter();
        UpstreamConnection? upstream = null;
        try
        {
            var authority = _pool.AuthorityOf(instance);
            WriteRequest(state, authority);

            // A kept-alive connection the instance closed meanwhile fails before any answer: once more on a new one.
            var output = connection.Transport.Output;
            ResponseHead response = default;
            var answered = false;
            var loop = (connection as Epoll.EpollConnection)?.Loop; // instance connections join their client's loop
            for (var attempt = 0; attempt < 2 && !answered; attempt++)
            {
                // The upstream timeout runs from here: connecting, sending, and waiting for the answer's head.
                upstream = _pool.TryRent(instance, authority, loop);
                if (upstream is null)
                {
                    if (!deadline.Enter(FastPhase.Upstream, started + _upstreamTimeout))
                    {
                        return Outcome.Close;
                    }

                    try
                    {
                        upstream = await UpstreamConnection.ConnectAsync(instance, authority, TimeSpan.FromSeconds(5), loop, connection.ConnectionClosed).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
                    {
                        // The full gateway tries the instance again, reports it and retries or answers 502, as always.
                        return deadline.IsExpired ? await TimedOutAsync(output, instance, state).ConfigureAwait(false) : Outcome.HandOver;
                    }
                }

                if (!deadline.Enter(FastPhase.Upstream, started + _upstreamTimeout, upstream))
                {
                    return await TimedOutAsync(output, instance, state).ConfigureAwait(false);
                }

                // Send the request and read the answer's head into the output's next span, advanced past only once the
                // answer is sure to be relayed.
                var parsed = false;
                try
                {
                    await upstream.SendAsync(state.Request.WrittenMemory).ConfigureAwait(false);
                    while (true)
                    {
                        var buffered = upstream.Buffered;
                        var headEnd = buffered.IndexOf("\r\n\r\n"u8);
                        if (headEnd >= 0)
                        {
                            var source = buffered[..(headEnd + 4)];
                            parsed = ResponseHead.TryParse(source, head.IsHead, output.GetSpan(source.Length + 21), out response);
                            upstream.Consume(source.Length);
                            break;
                        }

                        if (!await upstream.FillAsync(MaxResponseHead).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    parsed = false;
                }

                if (!deadline.Enter(FastPhase.Relaying, long.MaxValue))
                {
                    return await TimedOutAsync(output, instance, state).ConfigureAwait(false);
                }

                if (parsed)
                {
                    answered = true;
                }
                else
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

            if (!answered || upstream is null)
            {
                return Outcome.HandOver;
            }

            // The instance answered: the request is consumed, and from here on a failure can only cut the connection.
            connection.Transport.Input.AdvanceTo(end);
            output.Advance(response.Length);
            var closeAfter = head.Close || response.Framing == Framing.UntilClose;
            var tail = output.GetSpan(21);
            if (closeAfter)
            {
                "Connection: close\r\n\r\n"u8.CopyTo(tail);
                output.Advance(21);
            }
            else
            {
                "\r\n"u8.CopyTo(tail);
                output.Advance(2);
            }

            bool complete;
            try
            {
                complete = response.Framing switch
                {
                    Framing.None => true,
                    Framing.Length => await CopyAsync(upstream, output, response.ContentLength).ConfigureAwait(false),
                    Framing.Chunked => await CopyChunkedAsync(upstream, output).ConfigureAwait(false),
                    _ => await CopyToEndAsync(upstream, output).ConfigureAwait(false),
                };
            }
            catch (System.Net.Sockets.SocketException)
            {
                complete = false; // the instance reset the connection mid-answer
            }

            var flushed = await output.FlushAsync().ConfigureAwait(false);
            var finished = Stopwatch.GetTimestamp();
            Record(route, head.IsHead, response.Status, started, finished);
            if (!complete)
            {
                upstream.Dispose();
                upstream = null;
                LogBrokenAnswer(_logger, route.Template, instance.Id);
                connection.Abort(new ConnectionAbortedException("the instance broke off its answer"));
                return Outcome.Close;
            }

            // Bytes past the answer are not the next one's: the instance broke the protocol, and its connection goes.
            if (response.KeepAlive && response.Framing != Framing.UntilClose && upstream.BufferedLength == 0)
            {
                _pool.Return(upstream);
            }
            else
            {
                upstream.Dispose();
            }

            upstream = null;
            return flushed.IsCompleted || closeAfter || !deadline.Enter(FastPhase.Idle, finished + _keepAlive) ? Outcome.Close : Outcome.Done;
        }
        finally
        {
            entry.Leave();
            upstream?.Dispose();
        }
    }

    private async ValueTask<Outcome> TimedOutAsync(PipeWriter output, ServiceInstance instance, ClientState state)
    {
        await WriteTimeoutAsync(output, instance, state.Trace).ConfigureAwait(false);
        return Outcome.Close;
    }

    // The request as the instance gets it: the client's line and headers, Host the instance's, X-Forwarded-* and the
    // hop added, hop-by-hop headers dropped (RFC 9110 section 7.6.1), a traceparent when the client sent none.
    // Keeps the request's trace in the state, as the full gateway's errors name it.
    private void WriteRequest(ClientState state, byte[] authority)
    {
        var head = state.Head;
        var request = state.Request;
        request.ResetWrittenCount();
        Append(request, head.Method);
        Append(request, " "u8);
        Append(request, head.Target);
        Append(request, " HTTP/1.1\r\nHost: "u8);
        Append(request, authority);
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

        Append(request, state.Remote);
        Append(request, "\r\nX-Forwarded-Proto: "u8);
        Append(request, head.ForwardedProtoIndex >= 0 ? head.Value(head.ForwardedProtoIndex) : "http"u8);
        Append(request, "\r\nX-Forwarded-Host: "u8);
        Append(request, head.ForwardedHostIndex >= 0 ? head.Value(head.ForwardedHostIndex) : head.Value(head.HostIndex));
        Append(request, "\r\nMicron-Hop: "u8);
        Append(request, _hop);
        if (head.TraceParentIndex >= 0)
        {
            state.SetTrace(head.Value(head.TraceParentIndex));
        }
        else
        {
            // 00-{trace id}-{span id}-00, random ids written in place (never all zeros, which would be invalid).
            Span<byte> ids = stackalloc byte[24];
            Random.Shared.NextBytes(ids);
            ids[15] |= 1;
            ids[23] |= 1;
            var text = request.GetSpan(TraceParentLength + 15);
            "\r\ntraceparent: 00-"u8.CopyTo(text);
            var at = 18;
            Convert.TryToHexStringLower(ids[..16], text[at..], out var written);
            at += written;
            text[at++] = (byte)'-';
            Convert.TryToHexStringLower(ids[16..], text[at..], out written);
            at += written;
            "-00"u8.CopyTo(text[at..]);
            state.SetTrace(text.Slice(15, TraceParentLength));
            request.Advance(at + 3);
        }

        Append(request, "\r\n\r\n"u8);
    }

    private static void Append(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    /// <summary>Relays <paramref name="length"/> bytes; <see langword="false"/> when the instance or the client went first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> CopyAsync(UpstreamConnection source, PipeWriter target, long length)
    {
        while (true)
        {
            var take = (int)Math.Min(source.BufferedLength, length);
            if (take > 0)
            {
                target.Write(source.Buffered[..take]);
                source.Consume(take);
                length -= take;
            }

            if (length == 0)
            {
                return true;
            }

            // More to come: the client takes what it has (or holds the copy back while it is slow), then the instance sends more.
            if ((await target.FlushAsync().ConfigureAwait(false)).IsCompleted || !await source.FillAsync().ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> CopyToEndAsync(UpstreamConnection source, PipeWriter target)
    {
        while (true)
        {
            target.Write(source.Buffered);
            source.Consume(source.BufferedLength);
            if ((await target.FlushAsync().ConfigureAwait(false)).IsCompleted)
            {
                return false;
            }

            if (!await source.FillAsync().ConfigureAwait(false))
            {
                return true;
            }
        }
    }

    // Chunked answers pass through as they are: size lines, data and trailers; reading them finds where the answer ends.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> CopyChunkedAsync(UpstreamConnection source, PipeWriter target)
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
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<long?> CopyLineAsync(UpstreamConnection source, PipeWriter target, bool chunkSize = true)
    {
        while (true)
        {
            var buffered = source.Buffered;
            var at = buffered.IndexOf("\r\n"u8);
            if (at >= 0)
            {
                target.Write(buffered[..(at + 2)]);
                var value = chunkSize ? ChunkSize(buffered[..at]) : at;
                source.Consume(at + 2);
                return value;
            }

            if (buffered.Length > MaxChunkLine || !await source.FillAsync().ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    // A chunk's size in hex, before any extension (RFC 9112 section 7.1.1).
    private static long? ChunkSize(ReadOnlySpan<byte> line)
    {
        var stop = line.IndexOfAny((byte)';', (byte)' ', (byte)'\t');
        var size = stop < 0 ? line : line[..stop];
        return size.Length is > 0 and <= 16 && Utf8Parser.TryParse(size, out long value, out var used, 'X') && used == size.Length && value >= 0
            ? value
            : null;
    }

    // The same answer the full gateway gives, in the host's error format.
    private async Task WriteTimeoutAsync(PipeWriter output, ServiceInstance instance, string trace)
    {
        var (body, type) = Http.Internal.ErrorResponse.Encode(
            _http.Value, _json.Value.SerializerOptions, StatusCodes.Status504GatewayTimeout, Http.ErrorCodes.UpstreamTimeout,
            Forwarder.DidNotAnswer(instance, _options.Value.UpstreamTimeout), trace, stack: null);
        output.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 504 Gateway Timeout\r\nContent-Type: {type}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        output.Write(body);
        await output.FlushAsync().ConfigureAwait(false);
    }

    // As ASP.NET Core's hosting records a request it serves.
    private void Record(FastRoute route, bool isHead, int status, long started, long finished)
    {
        if (!_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "url.scheme", "http" },
            { "http.request.method", isHead ? HttpMethods.Head : HttpMethods.Get },
            { "network.protocol.version", "1.1" },
            { "http.response.status_code", status == 200 ? Ok : status },
            { "http.route", route.Template },
        };
        _duration.Record(Stopwatch.GetElapsedTime(started, finished).TotalSeconds, in tags);
    }

    // A thread started with the flow suppressed has the default context, with no AsyncLocal set.
    private static ExecutionContext CaptureDefaultContext()
    {
        ExecutionContext? captured = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => captured = ExecutionContext.Capture()) { IsBackground = true };
            thread.Start();
            thread.Join();
        }

        return captured!;
    }

    private static long Ticks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);

    /// <summary>What a client connection keeps from one request to the next.</summary>
    private sealed class ClientState(byte[] storage, byte[] remote)
    {
        private byte[] _trace = new byte[TraceParentLength];
        private int _traceLength;

        /// <summary>Gets the buffer the request's head is parsed in.</summary>
        public byte[] Storage => storage;

        /// <summary>Gets the client's address in ASCII.</summary>
        public byte[] Remote => remote;

        public RequestHead Head { get; } = new();

        /// <summary>Gets the request as the instance gets it.</summary>
        public ArrayBufferWriter<byte> Request { get; } = new(1024);

        /// <summary>Gets the request's traceparent, as the gateway's errors name it.</summary>
        public string Trace => Encoding.ASCII.GetString(_trace, 0, _traceLength);

        public void SetTrace(ReadOnlySpan<byte> trace)
        {
            if (trace.Length > _trace.Length)
            {
                _trace = new byte[trace.Length];
            }

            trace.CopyTo(_trace);
            _traceLength = trace.Length;
        }
    }

    [LoggerMessage(EventId = 113, Level = LogLevel.Debug, Message = "Connection {Connection} ended ({Reason})")]
    private static partial void LogConnectionEnded(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "{Route}: instance {Instance} broke off its answer; the client connection was cut")]
    private static partial void LogBrokenAnswer(ILogger logger, string route, string instance);
}
