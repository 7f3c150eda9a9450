using System.Net;
using Micron.Tests.Support;

namespace Micron.Tests.Gateway;

/// <summary>
/// Micron's own paths against a service that claims every path: a gateway of its own, since a catch-all route stays
/// in the table (answering 503) after its instance is gone and would take other tests' paths.
/// </summary>
public sealed class InternalPathsTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private readonly HttpClient _client = fixture.Gateway.Client;

    [Fact]
    public async Task InternalPaths_AreNeverForwarded_EvenToACatchAllRoute()
    {
        await using var upstream = await RawUpstream.StartAsync("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nforward");
        fixture.Announce("catchall", upstream.Url, routes: "GET /{**path}");
        await fixture.WaitForEndpointAsync("/{**path}");
        await Eventually.TrueAsync(async () => await (await _client.GetAsync("/anything-else")).Content.ReadAsStringAsync() == "forward", "the catch-all forwarded");
        foreach (var path in new[] { "/_micron/nothing-here", "/_MICRON/nothing-here", "/_Micron/rpc" })
        {
            var response = await _client.GetAsync(path);
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Unauthorized);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("forward");
        }
    }
}
