using System.Net;
using Micron.Http;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Tests.Http;

public class ErrorResponseTests
{
    [Fact]
    public async Task HttpError_AnswersWithItsStatusMessageAndCode()
    {
        await using var host = await StartAsync(_ => throw new HttpError(402, "Pay first"));

        var response = await host.Client.GetAsync("/fail");

        response.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        var problem = await Problem.ReadAsync(response);
        problem.Title.ShouldBe("Payment Required");
        problem.Detail.ShouldBe("Pay first");
        problem.Code.ShouldBe("payment_required");
        problem.Stack.ShouldBeNull();
    }

    [Fact]
    public async Task HttpError_WithOwnCode_KeepsIt()
    {
        await using var host = await StartAsync(_ => throw new HttpError(409, "Taken", "name_taken"));

        (await Problem.ReadAsync(await host.Client.GetAsync("/fail"))).Code.ShouldBe("name_taken");
    }

    [Fact]
    public async Task ExceptionWithStatusCodeProperty_IsHonoured()
    {
        await using var host = await StartAsync(_ => throw new TeapotException());

        var response = await host.Client.GetAsync("/fail");

        response.StatusCode.ShouldBe((HttpStatusCode)418);
        (await Problem.ReadAsync(response)).Detail.ShouldBe("I am a teapot");
    }

    [Fact]
    public async Task ExceptionWithStatusProperty_IsHonoured()
    {
        await using var host = await StartAsync(_ => throw new StatusException(429));

        (await host.Client.GetAsync("/fail")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task UnexpectedException_Is500WithoutDetails_AndTheStackIsLogged()
    {
        await using var host = await StartAsync(_ => throw new InvalidOperationException("secret database password"));

        var response = await host.Client.GetAsync("/fail");

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldNotContain("secret");
        var problem = await Problem.ReadAsync(response);
        problem.Detail.ShouldBe("Internal Server Error");
        problem.Code.ShouldBe("internal_error");
        problem.Stack.ShouldBeNull();
        var logged = host.Logs.Entries.Single(e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
        logged.Exception!.StackTrace.ShouldNotBeNullOrEmpty();
        logged.Message.ShouldContain("/fail");
    }

    [Fact]
    public async Task Development_SendsTheStackAndPrettyJson()
    {
        await using var host = await StartAsync(_ => throw new InvalidOperationException("boom"), "--environment", "Development");

        var response = await host.Client.GetAsync("/fail");

        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("\n  \"status\": 500");
        var problem = await Problem.ReadAsync(response);
        problem.Stack.ShouldNotBeNull();
        problem.Stack.ShouldContain("System.InvalidOperationException: boom");
        problem.Stack.ShouldContain(nameof(ErrorResponseTests));
    }

    [Fact]
    public async Task Development_PrettyPrintsJsonValues()
    {
        await using var host = await StartAsync(_ => new { a = 1 }, "--environment", "Development");

        (await host.Client.GetStringAsync("/fail")).ShouldBe("{\n  \"a\": 1\n}");
    }

    [Fact]
    public async Task PlainTextFormat_SendsTheMessageAlone()
    {
        await using var host = await StartAsync(_ => throw new HttpError(402, "Pay first"), "--Micron:Http:ErrorFormat=PlainText");

        var response = await host.Client.GetAsync("/fail");

        response.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        (await response.Content.ReadAsStringAsync()).ShouldBe("Pay first");
    }

    [Fact]
    public async Task ValueThatCannotBeSerialized_Is500()
    {
        var cycle = new Node();
        cycle.Next = cycle;
        await using var host = await StartAsync(_ => cycle);

        (await host.Client.GetAsync("/fail")).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task UnknownRoute_Is404Problem()
    {
        await using var host = await StartAsync(_ => "ok");

        var response = await host.Client.GetAsync("/no/such/route");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Problem.ReadAsync(response)).Code.ShouldBe("not_found");
    }

    [Fact]
    public async Task FailureAfterTheResponseStarted_AbortsTheConnection()
    {
        var app = Micron.Hosting.MicronApplication.CreateBuilder(TestHost.Loopback).Build();
        app.MapGet("/half", async (HttpContext ctx) =>
        {
            ctx.Response.ContentLength = 100;
            await ctx.Response.WriteAsync("partial");
            await ctx.Response.Body.FlushAsync();
            throw new InvalidOperationException("after start");
        });
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls[0]) };
            await Should.ThrowAsync<HttpRequestException>(() => client.GetStringAsync("/half"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static Task<TestHost> StartAsync(Func<HttpContext, object?> handler, params string[] args)
        => TestHost.StartAsync(
            b =>
            {
                b.Services.AddSingleton(new FailingService.Handler(handler));
                b.Services.AddMicron().AddService<FailingService>();
            },
            args);

    private sealed class FailingService(FailingService.Handler handler) : MicronService
    {
        protected override void Map(IServiceRoutes routes)
            => routes.MapGet("/fail", (HttpContext ctx) => handler.Invoke(ctx));

        public sealed record Handler(Func<HttpContext, object?> Invoke);
    }

    private sealed class TeapotException() : Exception("I am a teapot")
    {
        public int StatusCode => 418;
    }

    private sealed class StatusException(int status) : Exception("status")
    {
        public int Status => status;
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}
