using System.Net;
using Micron.Gateway.Middleware;
using Micron.Hosting;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>Semi-remote middleware: provided by one service, required by another's routes, here and over the wire.</summary>
public sealed class MiddlewareTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Continue_PassesTheUserAndHeaders_Respond_Answers_AndAFailingProviderIs502(bool remote)
    {
        var secret = TestHost.NewSecret();
        await using var provider = remote ? await TestHost.StartAsync(Configure, "--secret", secret, "--services", "gate") : null;
        await using var consumer = await TestHost.StartAsync(Configure, "--secret", secret, "--services", remote ? "guarded" : "gate,guarded");
        var client = consumer.Client;
        var registry = consumer.App.Services.GetRequiredService<Micron.Discovery.ServiceRegistry>();
        await Eventually.TrueAsync(() => registry.InstancesOf("gate").Count > 0, "the consumer finding the provider");

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/guarded") { Headers = { { "X-Pass", "ada" } } };
        var answer = await client.SendAsync(allowed);
        (await answer.Content.ReadAsStringAsync()).ShouldBe("ada via gate");

        var refused = await client.GetAsync("/guarded");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldBe("no pass");

        using var failing = new HttpRequestMessage(HttpMethod.Get, "/guarded") { Headers = { { "X-Pass", "boom" } } };
        var failed = await client.SendAsync(failing);
        failed.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await Problem.ReadAsync(failed)).Code.ShouldBe("middleware_failed");
    }

    [Fact]
    public async Task NoInstanceProvidesTheMiddleware_Is502_NeverAPassThrough()
    {
        await using var consumer = await TestHost.StartAsync(Configure, "--services", "guarded", "--discovery", "none");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/guarded") { Headers = { { "X-Pass", "ada" } } };
        var response = await consumer.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await Problem.ReadAsync(response)).Code.ShouldBe("middleware_failed");
    }

    private static void Configure(MicronApplicationBuilder builder)
        => builder.Services.AddMicron().AddService<GateService>().AddService<GuardedService>().AddGateway();

    /// <summary>Provides <c>gate</c>: continues as the user named in <c>X-Pass</c>, refuses without it, throws for <c>boom</c>.</summary>
    [MicronService("gate")]
    private sealed class GateService : MicronService
    {
        protected override void Map(IServiceRoutes routes)
            => routes.ProvideMiddleware("gate", static (request, _) => request.Headers.TryGetValue("X-Pass", out var name)
                ? name == "boom"
                    ? throw new InvalidOperationException("the gate broke")
                    : ValueTask.FromResult(MiddlewareResult.Continue(new Pass(name), new Dictionary<string, string> { ["X-Via"] = "gate" }))
                : ValueTask.FromResult(MiddlewareResult.Respond(StatusCodes.Status403Forbidden, "no pass")));
    }

    [MicronService("guarded")]
    private sealed class GuardedService : MicronService
    {
        protected override void Map(IServiceRoutes routes)
            => routes.MapGet("/guarded", static (HttpContext context) => $"{context.GetMicronUser<Pass>()!.Name} via {context.Request.Headers["X-Via"]}")
                .RequireMiddleware("gate");
    }

    private sealed record Pass(string Name);
}
