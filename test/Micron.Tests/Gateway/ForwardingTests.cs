using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>The gateway forwarding to a real backend host on loopback: headers, streaming, and every failure's status.</summary>
public sealed partial class ForwardingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private readonly HttpClient _client = fixture.Gateway.Client;

    [Fact]
    public async Task Forward_SetsForwardedHeadersAndTraceparent_AndDropsHopByHop()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/headers")
        {
            Headers = { { "Keep-Alive", "timeout=5" }, { "X-Custom", "kept" }, { "Connection", "X-Hop-Only" }, { "X-Hop-Only", "dropped" } },
        };
        var headers = GatewayFixture.Json(await (await _client.SendAsync(request)).Content.ReadAsStringAsync());

        headers["x-forwarded-for"].ShouldBe("127.0.0.1");
        headers["x-forwarded-proto"].ShouldBe("http");
        headers["x-forwarded-host"].ShouldBe(fixture.Gateway.BaseAddress.Authority);
        headers["x-custom"].ShouldBe("kept");
        headers.ShouldContainKey("micron-hop");
        headers.ShouldNotContainKey("keep-alive");
        headers.ShouldNotContainKey("x-hop-only");
        Traceparent().IsMatch(headers["traceparent"]).ShouldBeTrue(headers["traceparent"]);
    }

    [Fact]
    public async Task Forward_KeepsTheClientsTraceparent()
    {
        const string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/headers") { Headers = { { "traceparent", trace } } };

        GatewayFixture.Json(await (await _client.SendAsync(request)).Content.ReadAsStringAsync())["traceparent"].ShouldBe(trace);
    }

    [Fact]
    public async Task Upload_Chunked_IsStreamedToTheBackend()
    {
        var content = new StreamContent(new MemoryStream(new byte[6 * 1024 * 1024]));
        content.Headers.ContentLength = null; // chunked: the gateway cannot know the size up front
        var response = await _client.PostAsync("/upload", content);

        (await response.Content.ReadAsStringAsync()).ShouldBe((6 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Download_IsStreamedToTheClient()
    {
        using var response = await _client.GetAsync("/download/32", HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentLength.ShouldBe(32L * 1024 * 1024);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        total.ShouldBe(32L * 1024 * 1024);
    }

    [Fact]
    public async Task Body_OverTheLimit_Is413()
    {
        // Announced, not sent: the answer comes before the body, as soon as the head is read.
        var answer = await RawAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 9437184\r\n\r\n");

        answer.ShouldStartWith("HTTP/1.1 413 ");
        answer.ShouldContain("body_too_large");
    }

    [Fact]
    public async Task Body_ChunkedOverTheLimit_Is413()
    {
        var content = new StreamContent(new MemoryStream(new byte[9 * 1024 * 1024]));
        content.Headers.ContentLength = null;

        (await _client.PostAsync("/upload", content)).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Headers_OverTheLimit_Are431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/get") { Headers = { { "X-Big", new string('a', 10 * 1024) } } };

        (await _client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.RequestHeaderFieldsTooLarge);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /get HTTP/9.9\r\nHost: x\r\n\r\n")]
    [InlineData("GET /get HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n")]
    [InlineData("GET /get HTTP/1.1\r\nHost: x\r\nBad Name: value\r\n\r\n")]
    [InlineData("GET /get HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")]
    public async Task MalformedRequest_Is400Or505(string raw)
    {
        var answer = await RawAsync(raw);

        answer.ShouldMatch(@"^HTTP/1\.1 (400|505) ");
    }

    [Fact]
    public async Task SlowClient_SendingHeaders_IsCut()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /get HTTP/1.1\r\nHost: x\r\n"));

        // The head never ends: after RequestHeadersTimeout (2 s) the server answers 408 or closes.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = await ReadToEndAsync(stream, deadline.Token);
        (answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal)).ShouldBeTrue(answer);
    }

    [Fact]
    public async Task ClientDisconnect_MidUpload_AbortsTheUpstreamRequest()
    {
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n"));
            await stream.WriteAsync(new byte[256 * 1024]);
            await stream.FlushAsync();
            tcp.Client.LingerState = new LingerOption(true, 0); // a reset, as a crashed client would leave
        }

        await Eventually.TrueAsync(() => fixture.Probe.UploadAborted, "the backend seeing its upload abandoned", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ClientDisconnect_MidDownload_AbortsTheUpstreamResponse()
    {
        using (var response = await _client.GetAsync("/download/0", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long total = 0;
            while (total < 1024 * 1024)
            {
                total += await body.ReadAsync(buffer);
            }
        }

        await Eventually.TrueAsync(() => fixture.Probe.DownloadAborted, "the backend seeing its download abandoned", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Upstream_NotAnsweringInTime_Is504()
    {
        var response = await _client.GetAsync("/slow");

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
        (await Problem.ReadAsync(response)).Code.ShouldBe("upstream_timeout");
    }

    [Fact]
    public async Task Service_WithNoInstanceLeft_Is503()
    {
        fixture.Announce("ghost", routes: "GET /ghost");
        await fixture.WaitForEndpointAsync("/ghost");
        fixture.Announce("ghost", leave: true, routes: "GET /ghost");

        HttpResponseMessage response = null!;
        await Eventually.TrueAsync(async () => (response = await _client.GetAsync("/ghost")).StatusCode != HttpStatusCode.NotFound, "routing matching /ghost");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await Problem.ReadAsync(response)).Code.ShouldBe("service_unavailable");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Upstream_RefusingTheConnection_Is502(string method)
    {
        var service = "refusing-" + method.ToLowerInvariant();
        fixture.Announce(service, routes: $"{method} /{service}");
        await WaitForRouteAsync($"/{service}", method);

        fixture.Announce(service, routes: $"{method} /{service}"); // the refusal above forgot the first one
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/{service}"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await Problem.ReadAsync(response)).Code.ShouldBe("upstream_failed");
    }

    [Fact]
    public async Task Upstream_RefusingTheConnection_IdempotentRequestIsRetriedOnAnotherInstance()
    {
        var dead = fixture.Announce("backend", routes: "GET /get");

        // Round robin sends one of the next two requests to the dead instance; both succeed, one after a retry.
        for (var i = 0; i < 4; i++)
        {
            (await _client.GetStringAsync("/get")).ShouldBe("got");
        }

        fixture.Registry.InstancesOf("backend").ShouldNotContain(i => i.Id == dead, "the refusing instance is forgotten");
    }

    [Fact]
    public async Task Upstream_SendingGarbage_Is502()
    {
        await using var upstream = await RawUpstream.StartAsync("THIS IS NOT HTTP\r\n\r\n");
        fixture.Announce("garbage", upstream.Url, routes: "GET /garbage");
        await WaitForRouteAsync("/garbage");

        var response = await _client.GetAsync("/garbage");
        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await Problem.ReadAsync(response)).Code.ShouldBe("upstream_failed");
    }

    [Fact]
    public async Task Upstream_ClosingMidResponse_CutsTheClientConnection()
    {
        await using var upstream = await RawUpstream.StartAsync("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + new string('x', 70_000));
        fixture.Announce("truncated", upstream.Url, routes: "GET /truncated");
        await WaitForRouteAsync("/truncated");

        // The status was already sent: the only honest signal is a cut connection, never a short 200 that looks whole.
        await Should.ThrowAsync<HttpRequestException>(async () => await _client.GetByteArrayAsync("/truncated"));
    }

    [Fact]
    public async Task Request_ComingBackToTheSameGateway_Is508()
    {
        fixture.Announce("loop", fixture.Gateway.BaseAddress.ToString().TrimEnd('/'), routes: "GET /loop");
        await WaitForRouteAsync("/loop");

        var response = await _client.GetAsync("/loop");
        response.StatusCode.ShouldBe((HttpStatusCode)508, await response.Content.ReadAsStringAsync());
        (await Problem.ReadAsync(response)).Code.ShouldBe("loop_detected");
    }

    [Fact]
    public async Task Conflict_TwoServicesClaimingARoute_IsReported_AndTheFirstKeepsIt()
    {
        fixture.Announce("rival", routes: "GET /get");
        var conflicts = fixture.Gateway.App.Services.GetServices<IRouteConflictSource>().Single();

        await Eventually.TrueAsync(() => conflicts.Conflicts.Any(c => c.Path == "/get"), "the conflict on /get reported");
        conflicts.Conflicts.Single(c => c.Path == "/get").Services.ShouldBe(["backend", "rival"]);
        (await _client.GetStringAsync("/get")).ShouldBe("got");
    }

    [Fact]
    public async Task Expect100Continue_TheBodyIsSentOnlyOnceTheInstanceAsksForIt()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /echo/body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));

        // The instance's handler reads the body, so a 100 comes back through the gateway before any byte of it is sent.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var interim = await ReadUntilAsync(stream, "\r\n\r\n", deadline.Token);
        interim.ShouldStartWith("HTTP/1.1 100 Continue");
        await stream.WriteAsync(Encoding.ASCII.GetBytes("hello"));
        var answer = await ReadUntilAsync(stream, "hello", deadline.Token);
        answer.ShouldStartWith("HTTP/1.1 200 ");
    }

    [Fact]
    public async Task ServerErrors_OfARoute_NeverOpenTheInstancesCircuit()
    {
        // The backend is the only instance: had its 500s counted, its circuit would open and /get would be a 503.
        for (var i = 0; i < 30; i++)
        {
            (await _client.GetAsync("/fail")).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        (await _client.GetStringAsync("/get")).ShouldBe("got");
    }

    private static async Task<string> ReadUntilAsync(Stream stream, string end, CancellationToken cancellationToken)
    {
        var buffer = new byte[1];
        var text = new StringBuilder();
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0)
            {
                break;
            }

            text.Append((char)buffer[0]);
        }

        return text.ToString();
    }

    // The route is in the gateway's endpoints, and routing matches it (the matcher follows the endpoints a moment later).
    private async Task WaitForRouteAsync(string path, string method = "GET")
    {
        await fixture.WaitForEndpointAsync(path, method);
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), HttpCompletionOption.ResponseHeadersRead);
                    return response.StatusCode != HttpStatusCode.NotFound || (await response.Content.ReadAsStringAsync()).Contains("\"code\":\"not_found\"", StringComparison.Ordinal) is false;
                }
                catch (HttpRequestException)
                {
                    return true; // matched, and forwarded to an upstream that broke the connection
                }
            },
            $"the gateway routing {method} {path}");
    }

    private async Task<string> RawAsync(string raw)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await ReadToEndAsync(stream, deadline.Token);
    }

    private static async Task<string> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // A reset after the answer: what was read is the answer.
        }

        return text.ToString();
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex Traceparent();
}
