using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Micron.Dashboard.Internal;
using Micron.Gateway.Internal.Fast;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>
/// The fast path of a gateway that runs no service (<see cref="GatewayFixture"/>): plain requests relayed below Kestrel's
/// HTTP layer, every other one handed to Kestrel with the connection, and the answers' framings relayed whole.
/// </summary>
public abstract class FastForwardingTests(GatewayFixture fixture)
{
    private readonly HttpClient _client = fixture.Gateway.Client;

    [Fact]
    public async Task ChunkedAnswer_IsRelayedWhole_AndTheConnectionServesTheNextRequest()
    {
        await using var upstream = await AnnouncedUpstreamAsync("chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");

        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        var first = await connection.SendAsync("GET /chunked HTTP/1.1\r\nHost: gateway\r\n\r\n");
        first.Status.ShouldBe(200);
        first.Body.ShouldBe("hello world");
        first.Headers.ShouldContain("Transfer-Encoding: chunked");

        var second = await connection.SendAsync("GET /chunked HTTP/1.1\r\nHost: gateway\r\n\r\n");
        second.Body.ShouldBe("hello world");
    }

    [Fact]
    public async Task AnswerWithoutLength_IsRelayedToTheEnd_AndTheClientConnectionClosed()
    {
        await using var upstream = await AnnouncedUpstreamAsync("unframed", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe whole body");

        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        var answer = await connection.SendAsync("GET /unframed HTTP/1.1\r\nHost: gateway\r\n\r\n");

        answer.Body.ShouldBe("the whole body");
        answer.Headers.ShouldContain("Connection: close");
    }

    [Fact]
    public async Task AnswerWithTwoFramings_IsRelayedByItsChunks_WithoutTheLength()
    {
        await using var upstream = await AnnouncedUpstreamAsync("smuggling", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");

        // Never byte for byte: the full gateway relays the chunks and drops the length (RFC 9112 section 6.3).
        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        var answer = await connection.SendAsync("GET /smuggling HTTP/1.1\r\nHost: gateway\r\n\r\n");
        answer.Status.ShouldBe(200);
        answer.Body.ShouldBe("ok");
        answer.Headers.ShouldNotContain("Content-Length");
        (await connection.SendAsync("GET /get HTTP/1.1\r\nHost: gateway\r\n\r\n")).Body.ShouldBe("got");
    }

    [Fact]
    public async Task NonPlainRequest_HandsTheConnectionToKestrel_WhichServesItAndTheNextOnes()
    {
        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);

        (await connection.SendAsync("GET /get HTTP/1.1\r\nHost: gateway\r\n\r\n")).Body.ShouldBe("got");
        (await connection.SendAsync("POST /post HTTP/1.1\r\nHost: gateway\r\nContent-Length: 2\r\n\r\nhi")).Body.ShouldBe("posted");
        (await connection.SendAsync("GET /get HTTP/1.1\r\nHost: gateway\r\n\r\n")).Body.ShouldBe("got");
    }

    [Fact]
    public async Task PipelinedRequests_AreAnsweredInOrder()
    {
        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        await connection.WriteAsync("GET /get HTTP/1.1\r\nHost: gateway\r\n\r\nGET /echo/headers HTTP/1.1\r\nHost: gateway\r\nX-Custom: second\r\n\r\n");

        (await connection.ReadAsync()).Body.ShouldBe("got");
        (await connection.ReadAsync()).Body.ShouldContain("\"x-custom\":\"second\"");
    }

    [Fact]
    public async Task ConnectionClose_IsHonoured()
    {
        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        var answer = await connection.SendAsync("GET /get HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");

        answer.Body.ShouldBe("got");
        answer.Headers.ShouldContain("Connection: close");
        (await connection.ReadToEndAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task RelayedRequests_AreCountedOnTheDashboard()
    {
        var metrics = fixture.Gateway.App.Services.GetRequiredService<RouteMetrics>();
        long Count()
        {
            var traffic = new RouteTraffic();
            foreach (var route in metrics.Routes.Where(static r => r.Route == "/get" && r.Method == "GET"))
            {
                route.AddTo(traffic, metrics.CurrentSecond, 1);
            }

            return traffic.Total;
        }

        var before = Count();

        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        (await connection.SendAsync("GET /get HTTP/1.1\r\nHost: gateway\r\n\r\n")).Body.ShouldBe("got");

        // Recorded once the answer is flushed, so just after the client has it.
        await Eventually.TrueAsync(() => Count() > before, "the relayed request counted");
    }

    [Theory]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\n\r\n", true)]
    [InlineData("HEAD /get?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n", true)]
    [InlineData("POST /get HTTP/1.1\r\nHost: a\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.0\r\nHost: a\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nConnection: X-Other\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nMicron-Hop: g1\r\n\r\n", false)]
    [InlineData("GET /a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n", false)]
    [InlineData("GET /a/../get HTTP/1.1\r\nHost: a\r\n\r\n", false)]
    [InlineData("GET /a//get HTTP/1.1\r\nHost: a\r\n\r\n", false)]
    [InlineData("GET http://a/get HTTP/1.1\r\nHost: a\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", false)]
    [InlineData("GET /get HTTP/1.1\r\nHost: a\r\nX: a\u0001b\r\n\r\n", false)]
    [InlineData("GET  /get HTTP/1.1\r\nHost: a\r\n\r\n", false)]
    public void RequestHead_TakesOnlyPlainRequests(string raw, bool plain)
    {
        var head = new RequestHead();
        head.TryParse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(raw)), new byte[4096]).ShouldBe(plain);
    }

    [Fact]
    public void RequestHead_DropsTheHeadersTheFullPathDrops()
    {
        var head = new RequestHead();
        const string Raw = "GET /get HTTP/1.1\r\nHost: a\r\nX-Custom: kept\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: x\r\n"
            + "Proxy-Authenticate: y\r\nTE: trailers\r\nX-Forwarded-For: 10.0.0.1\r\nConnection: keep-alive\r\n\r\n";
        head.TryParse(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(Raw)), new byte[4096]).ShouldBeTrue();

        var passed = Enumerable.Range(0, head.HeaderCount).Where(i => !head.IsRewritten(i)).Select(i => Encoding.ASCII.GetString(head.Name(i))).ToList();
        passed.ShouldBe(["X-Custom"]);
    }

    [Fact]
    public void RequestHead_TooManyHeaders_IsNotPlain()
    {
        var raw = "GET /get HTTP/1.1\r\nHost: a\r\n" + string.Concat(Enumerable.Range(0, RequestHead.MaxHeaders).Select(i => $"X-{i}: v\r\n")) + "\r\n";
        new RequestHead().TryParse(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(raw)), new byte[8192]).ShouldBeFalse();
    }

    [Fact]
    public async Task RelayedRequests_AreMeasuredOnAspNetCoresRequestDuration_AsExportersSeeThem()
    {
        var meters = fixture.Gateway.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<Dictionary<string, object?>>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "http.server.request.duration" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var named = new Dictionary<string, object?>();
            foreach (var (key, value) in tags)
            {
                named[key] = value;
            }

            if (seconds >= 0 && named.TryGetValue("http.route", out var route) && "/get".Equals(route))
            {
                seen.Enqueue(named);
            }
        });
        listener.Start();

        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        (await connection.SendAsync("GET /get HTTP/1.1\r\nHost: gateway\r\n\r\n")).Body.ShouldBe("got");

        await Eventually.TrueAsync(() => Task.FromResult(seen.Any(t => "GET".Equals(t["http.request.method"]))), "a GET /get measured");
        var measured = seen.First(t => "GET".Equals(t["http.request.method"]));
        measured["http.response.status_code"].ShouldBe(200);
        measured["url.scheme"].ShouldBe("http");
        measured["network.protocol.version"].ShouldBe("1.1");
    }

    [Fact]
    public async Task Deadline_PastItsTime_CancelsTheConnectionsRead_AndLetsNoPhaseBeEnteredAfter()
    {
        using var deadlines = new FastDeadlines(TimeSpan.FromMilliseconds(10));
        var pipe = new System.IO.Pipelines.Pipe();
        using var deadline = deadlines.Watch(pipe.Reader);
        deadline.Enter(FastPhase.Head, System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency / 20).ShouldBeTrue();

        var read = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        read.IsCanceled.ShouldBeTrue();
        deadline.IsExpired.ShouldBeTrue();
        deadline.ExpiredIn.ShouldBe(FastPhase.Head);
        deadline.Enter(FastPhase.Upstream, long.MaxValue).ShouldBeFalse();
    }

    [Fact]
    public async Task Deadline_WhileRelaying_OrHandedOver_NeverExpires()
    {
        using var deadlines = new FastDeadlines(TimeSpan.FromMilliseconds(10));
        var relaying = deadlines.Watch(new System.IO.Pipelines.Pipe().Reader);
        var handedOver = deadlines.Watch(new System.IO.Pipelines.Pipe().Reader);
        var idle = deadlines.Watch(new System.IO.Pipelines.Pipe().Reader);
        relaying.Enter(FastPhase.Relaying, long.MaxValue).ShouldBeTrue();
        handedOver.Enter(FastPhase.HandedOver, long.MaxValue).ShouldBeTrue();
        idle.Enter(FastPhase.Idle, System.Diagnostics.Stopwatch.GetTimestamp()).ShouldBeTrue();

        // The idle one, already due, expires on a heartbeat, which checked the other two as well.
        await Eventually.TrueAsync(() => Task.FromResult(idle.IsExpired), "the idle connection expired");

        relaying.IsExpired.ShouldBeFalse();
        handedOver.IsExpired.ShouldBeFalse();
        relaying.Enter(FastPhase.Idle, long.MaxValue).ShouldBeTrue();
        relaying.Dispose();
        handedOver.Dispose();
        idle.Dispose();
    }

    [Fact]
    public async Task SlowInstance_PastTheUpstreamTimeout_Gets504_FromTheFastPath_AndTheClientConnectionCloses()
    {
        // Answers nothing for longer than the fixture's upstream timeout (1 s).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    accepted.Add(await silent.AcceptTcpClientAsync());
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        fixture.Announce("silent", url.ToString(), routes: "GET /silent");
        await fixture.WaitForEndpointAsync("/silent");

        await using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (status, headers, body) = await connection.SendAsync("GET /silent HTTP/1.1\r\nHost: gateway\r\n\r\n");

        status.ShouldBe(504);
        headers.ShouldContain("Connection: close", Case.Insensitive);
        body.ShouldContain("upstream_timeout");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        foreach (var client in accepted)
        {
            client.Dispose();
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false, "Length", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, "Chunked", true)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", false, "UntilClose", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", true, "None", true)]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", false, "None", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n", false, "Length", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", false, "Length", false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\nUpgrade: h2c\r\nConnection: keep-alive\r\n\r\n", false, "Length", true)]
    public void ResponseHead_KnowsTheFraming(string raw, bool isHead, string framing, bool keepAlive)
    {
        var target = new byte[raw.Length];
        ResponseHead.TryParse(Encoding.ASCII.GetBytes(raw), isHead, target, out var head).ShouldBeTrue();
        head.Framing.ToString().ShouldBe(framing);
        head.KeepAlive.ShouldBe(keepAlive);
        var relayed = Encoding.ASCII.GetString(target, 0, head.Length);
        relayed.ShouldStartWith(raw[..raw.IndexOf('\r')]);
        relayed.ShouldEndWith("\r\n");
        foreach (var hopByHop in new[] { "Connection", "Keep-Alive", "Proxy-Authenticate", "Upgrade" })
        {
            relayed.ShouldNotContain(hopByHop);
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\n")]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("THIS IS NOT HTTP\r\n\r\n")]
    public void ResponseHead_RefusesAmbiguousOrInvalidAnswers(string raw)
        => ResponseHead.TryParse(Encoding.ASCII.GetBytes(raw), isHead: false, new byte[raw.Length], out _).ShouldBeFalse();

    // A raw upstream that gives every connection one answer, announced to the gateway as the owner of GET /{service}.
    private async Task<RawUpstream> AnnouncedUpstreamAsync(string service, string answer)
    {
        var upstream = await RawUpstream.StartAsync(answer);
        fixture.Announce(service, upstream.Url, routes: $"GET /{service}");
        await fixture.WaitForEndpointAsync($"/{service}");

        // Routing rebuilds its matcher just after the endpoints change: until then the route is not found.
        await Eventually.TrueAsync(
            async () =>
            {
                using var answer = await _client.GetAsync($"/{service}", HttpCompletionOption.ResponseHeadersRead);
                return answer.StatusCode != HttpStatusCode.NotFound;
            },
            $"the gateway routing /{service}");
        return upstream;
    }

    /// <summary>A keep-alive HTTP/1.1 client connection that reads answers framed by length, by chunks, or by closing.</summary>
    internal sealed class RawConnection : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;
        private readonly List<byte> _pending = [];

        private RawConnection(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public static async Task<RawConnection> OpenAsync(Uri server)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Host, server.Port);
            return new RawConnection(tcp);
        }

        public async Task<(int Status, string Headers, string Body)> SendAsync(string request)
        {
            await WriteAsync(request);
            return await ReadAsync();
        }

        public Task WriteAsync(string request) => _stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask();

        public async Task<(int Status, string Headers, string Body)> ReadAsync()
        {
            var headEnd = await FillUntilAsync(static bytes => IndexOf(bytes, "\r\n\r\n"u8.ToArray()) is var i and >= 0 ? i + 4 : -1);
            var head = Encoding.ASCII.GetString(Take(headEnd));
            var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
            var lines = head.Split("\r\n");
            string? Header(string name) => lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

            string body;
            if (Header("Transfer-Encoding") == "chunked")
            {
                var text = new StringBuilder();
                while (true)
                {
                    var lineEnd = await FillUntilAsync(static bytes => IndexOf(bytes, "\r\n"u8.ToArray()) is var i and >= 0 ? i + 2 : -1);
                    var size = Convert.ToInt32(Encoding.ASCII.GetString(Take(lineEnd)).Split(';')[0].Trim(), 16);
                    if (size == 0)
                    {
                        // Trailers up to the blank line.
                        while (await FillUntilAsync(static bytes => IndexOf(bytes, "\r\n"u8.ToArray()) is var i and >= 0 ? i + 2 : -1) is var trailer && Take(trailer).Length > 2)
                        {
                        }

                        break;
                    }

                    await FillUntilAsync(bytes => bytes.Count >= size + 2 ? size + 2 : -1);
                    text.Append(Encoding.ASCII.GetString(Take(size + 2), 0, size));
                }

                body = text.ToString();
            }
            else if (Header("Content-Length") is { } length)
            {
                var count = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
                await FillUntilAsync(bytes => bytes.Count >= count ? count : -1);
                body = Encoding.ASCII.GetString(Take(count));
            }
            else
            {
                body = await ReadToEndAsync();
            }

            return (status, head, body);
        }

        public async Task<string> ReadToEndAsync()
        {
            var buffer = new byte[8192];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            int read;
            while ((read = await _stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                _pending.AddRange(buffer.AsSpan(0, read));
            }

            return Encoding.ASCII.GetString(Take(_pending.Count));
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _tcp.Dispose();
        }

        private static int IndexOf(List<byte> bytes, byte[] value)
        {
            for (var i = 0; i + value.Length <= bytes.Count; i++)
            {
                if (bytes.Skip(i).Take(value.Length).SequenceEqual(value))
                {
                    return i;
                }
            }

            return -1;
        }

        private byte[] Take(int count)
        {
            var taken = _pending.GetRange(0, count).ToArray();
            _pending.RemoveRange(0, count);
            return taken;
        }

        private async Task<int> FillUntilAsync(Func<List<byte>, int> complete)
        {
            var buffer = new byte[8192];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (complete(_pending) is var at && at < 0)
            {
                var read = await _stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    throw new IOException("the gateway closed the connection");
                }

                _pending.AddRange(buffer.AsSpan(0, read));
            }

            return complete(_pending);
        }
    }
}

/// <summary>On the gateway's epoll transport.</summary>
public sealed class FastForwardingTestsOnEpoll(GatewayFixture fixture) : FastForwardingTests(fixture), IClassFixture<GatewayFixture>;

/// <summary>On Kestrel's sockets transport.</summary>
public sealed class FastForwardingTestsOnSockets(SocketsGatewayFixture fixture) : FastForwardingTests(fixture), IClassFixture<SocketsGatewayFixture>;
