using Micron.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Micron.Tests.Gateway;

/// <summary>
/// Requests whose framing two parsers could read two ways, sent on raw sockets with a second request hidden where one
/// reading would find it (<c>GET {prefix}/smuggled</c>). The gateway refuses them (4xx, or closes the connection), and
/// the recording instance behind it proves that no hidden request reached it: it counts the request lines it read.
/// </summary>
public sealed class SmugglingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly Dictionary<string, (Func<string, string> Payload, bool MayBeServed)> Payloads = new()
    {
        // Both framings at once: RFC 9112 lets a server serve it by its chunks alone, and then close the connection.
        ["CL.TE"] = (p => WithLength($"POST {p}/attack HTTP/1.1\r\nHost: x\r\nContent-Length: {{0}}\r\nTransfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n" + Smuggled(p)), true),
        ["TE.CL"] = (p => $"POST {p}/attack HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n{Smuggled(p).Length:x}\r\n{Smuggled(p)}\r\n0\r\n\r\n", true),
        ["two Content-Lengths"] = (p => WithLength($"POST {p}/attack HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: {{0}}\r\n\r\n", "hello" + Smuggled(p)), false),
        ["Content-Length -1"] = (p => $"POST {p}/attack HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + Smuggled(p), false),
        ["Transfer-Encoding chunked, identity"] = (p => $"POST {p}/attack HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + Smuggled(p), false),
        ["Transfer-Encoding with a space before its colon"] = (p => WithLength($"POST {p}/attack HTTP/1.1\r\nHost: x\r\nContent-Length: {{0}}\r\nTransfer-Encoding : chunked\r\n\r\n", "0\r\n\r\n" + Smuggled(p)), false),
        ["Transfer-Encoding folded"] = (p => WithLength($"POST {p}/attack HTTP/1.1\r\nHost: x\r\nContent-Length: {{0}}\r\nTransfer-Encoding:\r\n chunked\r\n\r\n", "0\r\n\r\n" + Smuggled(p)), false),
        ["a folded header"] = (p => $"POST {p}/attack HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n b\r\nContent-Length: 0\r\n\r\n" + Smuggled(p), false),
        ["NUL in a value"] = (p => $"POST {p}/attack HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\nContent-Length: 0\r\n\r\n" + Smuggled(p), false),
        ["bare CR in a value"] = (p => $"POST {p}/attack HTTP/1.1\r\nHost: x\r\nX-Note: a\rTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n" + Smuggled(p), false),
        ["chunk size zz"] = (p => Chunked(p, "zz\r\nhello\r\n0\r\n\r\n"), false),
        ["chunk size -5"] = (p => Chunked(p, "-5\r\nhello\r\n0\r\n\r\n"), false),
        ["chunk size 0x5"] = (p => Chunked(p, "0x5\r\nhello\r\n0\r\n\r\n"), false),

        // 2^64 + 5: a parser that lets the size overflow reads a 5-byte chunk.
        ["chunk size 10000000000000005"] = (p => Chunked(p, "10000000000000005\r\nhello\r\n0\r\n\r\n"), false),
        ["chunk longer than its size"] = (p => Chunked(p, "5\r\nhelloEXTRA\r\n0\r\n\r\n"), false),
    };

    public static TheoryData<string> Attacks => [.. Payloads.Keys];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Issue_14_AmbiguousFraming_IsRefused_AndNoHiddenRequestReachesTheInstance(string attack)
    {
        var (payload, mayBeServed) = Payloads[attack];
        var (upstream, prefix) = await AnnounceAsync();
        await using var owned = upstream;
        var before = upstream.RequestLines.Count;
        var logged = fixture.Gateway.Logs.Entries.Count;

        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        await client.WriteAsync(payload(prefix));
        var answer = await client.ReadAnswerAsync();
        var (rest, closed) = await client.ReadUntilClosedAsync();

        var forwarded = upstream.RequestLines.Skip(before).ToList();
        forwarded.ShouldNotContain(l => l.Contains("/smuggled", StringComparison.Ordinal), string.Join(" | ", forwarded));
        forwarded.Count.ShouldBeLessThanOrEqualTo(1, string.Join(" | ", forwarded));
        closed.ShouldBeTrue("the connection is closed after a request whose end is in doubt");
        rest.ShouldNotContain("HTTP/1.1 ", Case.Sensitive, "a second answer");
        if (answer is not null && mayBeServed)
        {
            answer.Status.ShouldBeLessThan(500, answer.Head + answer.Body);
        }
        else if (answer is not null)
        {
            answer.Status.ShouldBeInRange(400, 499, answer.Head + answer.Body);
        }

        fixture.Gateway.Logs.Entries.Skip(logged).Where(e => e.Level >= LogLevel.Error).Select(e => e.Message)
            .ShouldBeEmpty("a client's malformed request is not the gateway's error");
    }

    [Fact]
    public async Task PipelinedChunkedPostAndGet_AreBothForwarded()
    {
        // The control: a well-framed body followed by a request on the same connection is two requests.
        var (upstream, prefix) = await AnnounceAsync();
        await using var owned = upstream;
        var before = upstream.RequestLines.Count;

        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        await client.WriteAsync(Chunked(prefix, "5\r\nhello\r\n0\r\n\r\n"));

        foreach (var request in new[] { "the POST", "the GET" })
        {
            var answer = await client.ReadAnswerAsync();
            answer.ShouldNotBeNull(request);
            answer.Status.ShouldBe(200, $"{request}: {answer.Head}{answer.Body}");
        }

        upstream.RequestLines.Skip(before).ShouldBe([$"POST {prefix}/attack HTTP/1.1", $"GET {prefix}/smuggled HTTP/1.1"]);
    }

    [Fact]
    public async Task SignedContentLength_IsReadAsItsDigits_AndEachRequestIsReframedToTheInstance()
    {
        // Kestrel (10.0) reads "Content-Length: +5" as 5 and shows the header as "5", so the gateway cannot refuse it as
        // RFC 9112 asks. What keeps the instance from being smuggled to: the gateway frames every request it forwards
        // itself, so the instance reads the same requests the gateway routed, each with the gateway's headers.
        var (upstream, prefix) = await AnnounceAsync();
        await using var owned = upstream;
        var before = upstream.RequestLines.Count;

        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        await client.WriteAsync($"POST {prefix}/attack HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello" + Smuggled(prefix));
        (await client.ReadAnswerAsync()).ShouldNotBeNull().Status.ShouldBe(200);
        (await client.ReadAnswerAsync()).ShouldNotBeNull().Status.ShouldBe(200);

        upstream.RequestLines.Skip(before).ShouldBe([$"POST {prefix}/attack HTTP/1.1", $"GET {prefix}/smuggled HTTP/1.1"]);
        var received = upstream.Received;
        received.ShouldNotContain("Content-Length: +5", Case.Insensitive);
        var post = Head(received, $"POST {prefix}/attack ");
        post.Split("\r\n").ShouldContain(line => line.Equals("Content-Length: 5", StringComparison.OrdinalIgnoreCase), post);
        post.ShouldContain("Micron-Hop:", Case.Insensitive);
        Head(received, $"GET {prefix}/smuggled ").ShouldContain("Micron-Hop:", Case.Insensitive, "the second request went through the gateway's routing");

        static string Head(string received, string requestLine)
        {
            var start = received.IndexOf(requestLine, StringComparison.Ordinal);
            start.ShouldBeGreaterThanOrEqualTo(0, requestLine);
            return received[start..received.IndexOf("\r\n\r\n", start, StringComparison.Ordinal)];
        }
    }

    private static string Smuggled(string prefix) => $"GET {prefix}/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    private static string Chunked(string prefix, string chunks)
        => $"POST {prefix}/attack HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}{Smuggled(prefix)}";

    // The head's {0} is the length of the body, which runs to the end of the payload.
    private static string WithLength(string head, string body)
        => string.Format(System.Globalization.CultureInfo.InvariantCulture, head, body.Length) + body;

    // A recording instance that owns every path under a prefix of its own, once the gateway routes a probe to it. The
    // probe is a POST, as the attacks are: routing decides it in every gateway, where a plain GET may be decided apart.
    private async Task<(RecordingUpstream Upstream, string Prefix)> AnnounceAsync()
    {
        var service = "smuggle-" + Guid.NewGuid().ToString("N")[..8];
        var upstream = RecordingUpstream.Start();
        fixture.Announce(service, upstream.Url, routes: [$"POST /{service}/{{**rest}}", $"GET /{service}/{{**rest}}"]);
        await fixture.WaitForEndpointAsync($"/{service}/{{**rest}}");
        await Eventually.TrueAsync(
            async () =>
            {
                await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
                await client.SendAsync($"POST /{service}/probe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
                return upstream.RequestLines.Count > 0;
            },
            $"the gateway routing /{service} to its instance");
        return (upstream, "/" + service);
    }
}
