using Micron.Tests.Support;

namespace Micron.Tests.Gateway;

/// <summary>
/// Where a request's target takes it, behind a service that owns every path (<c>/{**rest}</c>, as a site's front end
/// does): to that service's instance with the target as the client wrote it, never to another host or port, and never
/// to a service when the path is Micron's own.
/// </summary>
public sealed class GatewayTargetTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Service = "anything";
    private static readonly string[] CatchAll = ["GET /{**rest}", "POST /{**rest}"];

    [Fact]
    public async Task Issue_14_NetworkPathTarget_ReachesTheRoutesInstance_NeverTheHostItNames()
    {
        var (upstream, instance) = await CatchAllAsync();
        await using var owned = upstream;
        await using var other = RecordingUpstream.Start();
        var target = $"//127.0.0.1:{other.Port}/x";

        var answer = await SendAsync($"GET {target} HTTP/1.1\r\nHost: gateway\r\n\r\n");

        other.Connections.ShouldBe(0, "the port the path names was never connected to");
        answer.Status.ShouldBe(200);
        upstream.RequestLines.ShouldContain($"GET {target} HTTP/1.1");
        fixture.Registry.InstancesOf(Service).ShouldContain(i => i.Id == instance);
    }

    [Fact]
    public async Task Issue_14_NetworkPathTarget_NamingADeadPort_LeavesTheInstanceRegistered()
    {
        var (upstream, instance) = await CatchAllAsync();
        await using var owned = upstream;
        var target = $"//127.0.0.1:{Ports.Free()}/x";

        var answer = await SendAsync($"GET {target} HTTP/1.1\r\nHost: gateway\r\n\r\n");

        fixture.Registry.InstancesOf(Service).ShouldContain(i => i.Id == instance, "a refusal by a port the client named is not the instance's");
        upstream.RequestLines.ShouldContain($"GET {target} HTTP/1.1");
        answer.Status.ShouldBe(200);
    }

    [Fact]
    public async Task Issue_14_TripleSlashTarget_IsNotAServerError()
    {
        var (upstream, _) = await CatchAllAsync();
        await using var owned = upstream;

        var answer = await SendAsync("GET ///x HTTP/1.1\r\nHost: gateway\r\n\r\n");

        answer.Status.ShouldBeLessThan(500, answer.Head + answer.Body);
    }

    [Theory]
    [InlineData("GET", "/_MICRON/rpc/backend/x")]
    [InlineData("GET", "/_Micron/Rpc/backend/x")]
    [InlineData("GET", "/_micron/rpc/backend/x")]
    [InlineData("POST", "/_MICRON/rpc/backend/x")]
    [InlineData("GET", "/_MICRON/health/alive/x")]
    public async Task Issue_14_MicronsOwnPath_InAnyCasing_IsNeverForwarded(string method, string path)
    {
        var (upstream, _) = await CatchAllAsync();
        await using var owned = upstream;
        var before = upstream.RequestLines.Count;

        var answer = await SendAsync($"{method} {path} HTTP/1.1\r\nHost: gateway\r\nContent-Length: 0\r\n\r\n");

        upstream.RequestLines.Skip(before).ShouldBeEmpty("Micron's internal paths belong to the host, whoever claims /{**rest}");
        answer.Status.ShouldBeOneOf([401, 404, 405], answer.Head);
    }

    private async Task<RawAnswer> SendAsync(string request)
    {
        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        return await client.SendAsync(request);
    }

    // A recording instance that owns every path, in place of the one an earlier test left; ready once the gateway
    // routes a probe to it (routing follows the endpoints a moment after they change). The probe is a POST, which
    // routing decides in every gateway: a plain GET may be decided apart from it.
    private async Task<(RecordingUpstream Upstream, string Instance)> CatchAllAsync()
    {
        foreach (var earlier in fixture.Registry.InstancesOf(Service))
        {
            fixture.Registry.Apply(earlier.Announcement with { Leave = true });
        }

        var upstream = RecordingUpstream.Start();
        var instance = fixture.Announce(Service, upstream.Url, routes: CatchAll);
        await fixture.WaitForEndpointAsync("/{**rest}");
        await Eventually.TrueAsync(
            async () =>
            {
                await SendAsync("POST /probe HTTP/1.1\r\nHost: gateway\r\nContent-Length: 0\r\n\r\n");
                return upstream.RequestLines.Count > 0;
            },
            "the gateway routing every path to the recording instance");
        return (upstream, instance);
    }
}
