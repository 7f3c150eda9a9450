using System.Net;
using Micron.Hosting;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Services;

public class ServiceTests
{
    [MicronContract("clock")]
    public interface IClock
    {
        Task<int> Now(CancellationToken cancellationToken = default);
    }

    public sealed class InitLog
    {
        public List<string> Order { get; } = [];
    }

    public sealed class ClockService(InitLog log) : MicronService, IClock
    {
        public override Task InitAsync(CancellationToken cancellationToken)
        {
            log.Order.Add(Name);
            return Task.CompletedTask;
        }

        public Task<int> Now(CancellationToken cancellationToken = default) => Task.FromResult(42);
    }

    [MicronService("report", Version = "2.1.0")]
    public sealed class ReportService(IClock clock, InitLog log) : MicronService
    {
        public override Task InitAsync(CancellationToken cancellationToken)
        {
            log.Order.Add(Name);
            return Task.CompletedTask;
        }

        protected override void Map(IServiceRoutes routes)
        {
            routes.MapGet("/report/{id:int}", async (int id, CancellationToken ct) => new { id, at = await clock.Now(ct) });
            routes.MapGet("/report/none", () => (string?)null);
            routes.MapGet("/report/bytes", () => new byte[] { 1, 2, 3 });
            routes.MapGet("/report/created", () => Results.Created("/report/1", new { id = 1 }));
            routes.MapGet("/report/filtered", () => "inner")
                .AddEndpointFilter(async (ctx, next) => $"[{await next(ctx)}]");
            routes.MapPost("/report/echo", (Payload payload) => payload);
        }
    }

    public sealed record Payload(string Text);

    [Fact]
    public async Task Contract_ResolvesToTheLocalInstance()
    {
        await using var host = await StartAsync();

        var contract = host.App.Services.GetRequiredService<IClock>();

        contract.ShouldBeSameAs(host.App.Services.GetRequiredService<ClockService>());
        (await contract.Now()).ShouldBe(42);
    }

    [Fact]
    public async Task InitAsync_RunsDependenciesFirst()
    {
        // Registered dependent-first on purpose: the order must come from the dependency, not from registration.
        await using var host = await StartAsync();

        host.App.Services.GetRequiredService<InitLog>().Order.ShouldBe(["clock", "report"]);
    }

    [Fact]
    public async Task Routes_BindParametersAndUseTheContract()
    {
        await using var host = await StartAsync();

        (await host.Client.GetStringAsync("/report/7")).ShouldBe("""{"id":7,"at":42}""");
    }

    [Fact]
    public async Task Routes_FollowMicrosReturnValueRules()
    {
        await using var host = await StartAsync();

        (await host.Client.GetAsync("/report/none")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var bytes = await host.Client.GetAsync("/report/bytes");
        bytes.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        (await bytes.Content.ReadAsByteArrayAsync()).ShouldBe(new byte[] { 1, 2, 3 });
    }

    [Fact]
    public async Task Routes_AnyIResultIsExecutedAsIs()
    {
        await using var host = await StartAsync();

        var response = await host.Client.GetAsync("/report/created");

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe("/report/1");
    }

    [Fact]
    public async Task Routes_RouteLevelFiltersApply()
    {
        await using var host = await StartAsync();

        (await host.Client.GetStringAsync("/report/filtered")).ShouldBe("[inner]");
    }

    [Fact]
    public async Task Routes_BadJsonBody_IsAProblem()
    {
        await using var host = await StartAsync();

        var response = await host.Client.PostAsync("/report/echo", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem.ReadAsync(response)).Code.ShouldBe("bad_request");
    }

    [Fact]
    public async Task Services_CarryNameAndVersion()
    {
        await using var host = await StartAsync();

        var report = host.App.Services.GetRequiredService<ReportService>();
        report.Name.ShouldBe("report");
        report.Version.ShouldBe("2.1.0");
        host.App.Services.GetRequiredService<ClockService>().Version.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task FailingInit_StopsTheStartNamingTheService()
    {
        var app = Build(m => m.AddService<BrokenService>());

        var error = await Should.ThrowAsync<MicronStartupException>(() => app.StartAsync());

        error.Message.ShouldBe("service 'broken' failed to initialize: database unreachable");
        error.InnerException.ShouldBeOfType<IOException>();
        app.Urls.ShouldBeEmpty();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task FailingInit_RunAsyncSetsExitCode1()
    {
        var app = Build(m => m.AddService<BrokenService>());
        try
        {
            await app.RunAsync();
            Environment.ExitCode.ShouldBe(1);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    [Fact]
    public void DuplicateServiceNames_AreRejectedWhenAdded()
        => Should.Throw<InvalidOperationException>(() => Build(m => m.AddService<ClockService>().AddService<OtherClockService>()))
            .Message.ShouldBe("service name 'clock' is used by both ClockService and OtherClockService");

    [Fact]
    public void ContractOfAnotherService_IsRejectedWhenAdded()
        => Should.Throw<InvalidOperationException>(() => Build(m => m.AddService<ImpostorService>()))
            .Message.ShouldBe("service 'impostor' implements IClock, which is the contract of service 'clock'");

    [Fact]
    public void ContractWithASynchronousMethod_IsRejectedWhenAdded()
        => Should.Throw<InvalidOperationException>(() => Build(m => m.AddService<SyncService>()))
            .Message.ShouldStartWith("ISync.Now returns Int32: contract methods return Task, Task<T>, ValueTask or ValueTask<T>");

    [Theory]
    [InlineData("AccountService", "account")]
    [InlineData("OrderHistoryService", "order-history")]
    [InlineData("HTTPGatewayService", "http-gateway")]
    [InlineData("Service", "service")]
    [InlineData("Chat", "chat")]
    public void Name_ComesFromTheClassName(string typeName, string name)
        => Micron.Services.Internal.ServiceIdentity.NameFromType(typeName).ShouldBe(name);

    [Fact]
    public async Task ServiceThatCannotBeCreated_StopsTheStartNamingIt()
    {
        var app = Build(m => m.AddService<NeedsMissingService>());

        (await Should.ThrowAsync<MicronStartupException>(() => app.StartAsync()))
            .Message.ShouldStartWith("service NeedsMissingService could not be created:");
    }

    [Fact]
    public void InvalidServiceName_IsRejectedWhenAdded()
        => Should.Throw<ArgumentException>(() => Build(m => m.AddService<BadNameService>()))
            .Message.ShouldStartWith("'9 lives' (service BadNameService) is not a valid service name");

    private static Task<TestHost> StartAsync()
        => TestHost.StartAsync(b =>
        {
            b.Services.AddSingleton<InitLog>();
            b.Services.AddMicron().AddService<ReportService>().AddService<ClockService>();
        });

    private static MicronApplication Build(Action<IMicronBuilder> services)
    {
        var builder = MicronApplication.CreateBuilder(TestHost.Loopback);
        builder.Services.AddSingleton<InitLog>();
        services(builder.Services.AddMicron());
        return builder.Build();
    }

    private sealed class BrokenService : MicronService
    {
        public override Task InitAsync(CancellationToken cancellationToken) => throw new IOException("database unreachable");
    }

    [MicronService("clock")]
    private sealed class OtherClockService : MicronService;

    private sealed class ImpostorService : MicronService, IClock
    {
        public Task<int> Now(CancellationToken cancellationToken = default) => Task.FromResult(0);
    }

    private sealed class NeedsMissingService(IDisposable missing) : MicronService
    {
        public IDisposable Missing { get; } = missing;
    }

    [MicronContract("sync")]
    public interface ISync
    {
        int Now();
    }

    private sealed class SyncService : MicronService, ISync
    {
        public int Now() => 1;
    }

    [MicronService("9 lives")]
    private sealed class BadNameService : MicronService;
}
