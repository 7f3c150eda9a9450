using System.Net;
using Micron.Hosting;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Tests.Gateway;

/// <summary>A dedicated gateway (<c>--services none</c>) whose app adds middleware of its own, as an app adds auth.</summary>
public sealed class GatewayAppMiddlewareTests
{
    private const string Key = "X-Key";

    [Fact]
    public async Task Issue_14_AppMiddleware_RunsForEveryForwardedRequest()
    {
        string[] common = ["--secret", TestHost.NewSecret(), "--heartbeat", "500ms"];
        await using var backend = await TestHost.StartAsync(
            static b => b.Services.AddSingleton(new BackendProbe()).AddMicron().AddService<BackendService>().AddGateway(), ["--services", "backend", .. common]);

        var builder = MicronApplication.CreateBuilder([.. TestHost.Loopback, "--services", "none", "--Micron:LeaveGrace=00:00:00", .. common]);
        builder.Logging.ClearProviders();
        builder.Services.AddMicron().AddGateway();
        await using var gateway = builder.Build();
        gateway.Use(static async (context, next) =>
        {
            if (context.Request.Headers[Key] != "open sesame")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.Response.Headers["X-Stamped"] = "yes";
            await next(context);
        });
        await gateway.StartAsync();
        var address = new Uri(gateway.Urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal)));
        using var client = new HttpClient { BaseAddress = address };
        await Eventually.TrueAsync(
            async () => (await client.SendAsync(Get(withKey: true))).IsSuccessStatusCode, "the gateway forwarding /get", TimeSpan.FromSeconds(30));

        // Plain GETs, each on a new connection and then on kept-alive ones: the kind a gateway might be tempted to relay
        // below the app's pipeline.
        for (var i = 0; i < 5; i++)
        {
            await using var refusedRaw = await RawClient.ConnectAsync(address);
            (await refusedRaw.SendAsync("GET /get HTTP/1.1\r\nHost: gateway\r\n\r\n")).Status.ShouldBe(401, $"request {i} without the key");

            await using var allowedRaw = await RawClient.ConnectAsync(address);
            var answer = await allowedRaw.SendAsync($"GET /get HTTP/1.1\r\nHost: gateway\r\n{Key}: open sesame\r\n\r\n");
            answer.Body.ShouldBe("got");
            answer.Header("X-Stamped").ShouldBe("yes", $"request {i} with the key went through the middleware");
        }

        for (var i = 0; i < 5; i++)
        {
            (await client.SendAsync(Get(withKey: false))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"kept-alive request {i} without the key");
            var allowed = await client.SendAsync(Get(withKey: true));
            (await allowed.Content.ReadAsStringAsync()).ShouldBe("got");
            allowed.Headers.TryGetValues("X-Stamped", out var stamp).ShouldBeTrue($"kept-alive request {i} with the key went through the middleware");
            stamp.ShouldBe(["yes"]);
        }
    }

    private static HttpRequestMessage Get(bool withKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/get");
        if (withKey)
        {
            request.Headers.Add(Key, "open sesame");
        }

        return request;
    }
}
