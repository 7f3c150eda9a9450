using System.Net;
using Micron.Patterns;
using Micron.Patterns.Internal;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Rpc;

public class PatternTests
{
    [Theory]
    [InlineData("multiply", "cmd:multiply")]
    [InlineData("role:math,cmd:multiply", "cmd:multiply,role:math")]
    [InlineData("role:math cmd:multiply", "cmd:multiply,role:math")]
    public void Parse_GivesCanonicalPairs(string text, string canonical)
        => Pattern.Parse(text).Text.ShouldBe(canonical);

    [Theory]
    [InlineData("")]
    [InlineData("role:")]
    [InlineData(":x")]
    [InlineData("cmd:a,cmd:b")]
    public void Parse_Malformed_Throws(string text)
        => Should.Throw<ArgumentException>(() => Pattern.Parse(text));

    [Fact]
    public void Best_MostSpecificMatchWins()
    {
        var table = new PatternTable();
        table.Add("math", "role:math", () => "any math");
        table.Add("math", "role:math,cmd:multiply", () => "multiply");

        table.Best(Pattern.Parse("role:math,cmd:multiply,precision:high"))!.Pattern.Text.ShouldBe("cmd:multiply,role:math");
        table.Best(Pattern.Parse("role:math,cmd:divide"))!.Pattern.Text.ShouldBe("role:math");
        table.Best(Pattern.Parse("cmd:multiply")).ShouldBeNull();
    }

    [Fact]
    public void Add_SamePatternTwice_IsRefused()
    {
        var table = new PatternTable();
        table.Add("a", "multiply", () => 1);

        Should.Throw<InvalidOperationException>(() => table.Add("b", "cmd:multiply", () => 2))
            .Message.ShouldBe("pattern 'cmd:multiply' is handled twice: by 'a' and by 'b'");
    }

    public sealed record Operands(int First, int Second);

    public sealed class MathService : MicronService
    {
        protected override void Map(IServiceRoutes routes)
        {
            routes.AddPattern("multiply", (Operands o) => o.First * o.Second);
            routes.AddPattern("role:math,cmd:multiply", async (Operands o, CancellationToken ct) =>
            {
                await Task.Yield();
                return -o.First * o.Second;
            });
            routes.AddPattern("fail", new Func<int>(() => throw new Micron.Http.HttpError(418, "teapot")));
            routes.AddPattern("slow", async (CancellationToken ct) =>
            {
                await Task.Delay(10_000, ct);
                return 1;
            });
        }
    }

    public sealed class AskerService(IMicron micron) : MicronService
    {
        protected override void Map(IServiceRoutes routes)
            => routes.MapGet("/ask/{a}/{b}", async (int a, int b) => await micron.Act<int>("multiply", new { first = a, second = b }));
    }

    [Fact]
    public async Task Act_Local_ConvertsThePayloadAndTheResult()
    {
        await using var host = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<MathService>());
        var micron = host.App.Services.GetRequiredService<IMicron>();

        (await micron.Act<int>("multiply", new { first = 5, second = 3 })).ShouldBe(15);
        (await micron.Act<long>("role:math,cmd:multiply", new Operands(5, 3))).ShouldBe(-15);
        await Should.ThrowAsync<PatternNotFoundException>(() => micron.Act<int>("divide", new { first = 1, second = 1 }));
    }

    [Fact]
    public async Task Act_Remote_GoesToTheInstanceThatAnnouncedThePattern()
    {
        var secret = TestHost.NewSecret();
        // A heartbeat of 1 s: these tests need the hosts to find each other, not fast eviction, and a 200 ms heartbeat
        // (600 ms of silence before eviction) did not survive a busy CI machine.
        string[] common = ["--secret", secret, "--heartbeat", "1s"];
        await using var math = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<MathService>().AddService<AskerService>(), ["--services", "math", .. common]);
        await using var asker = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<MathService>().AddService<AskerService>(), ["--services", "asker", .. common]);
        var micron = asker.App.Services.GetRequiredService<IMicron>();
        await Eventually.TrueAsync(() => asker.App.Services.GetRequiredService<Micron.Discovery.ServiceRegistry>().InstancesOf("math").Count > 0, "math discovered");

        (await asker.Client.GetStringAsync("/ask/6/7")).ShouldBe("42");
        (await micron.Act<int>("role:math,cmd:multiply", new { first = 2, second = 2 })).ShouldBe(-4);
        var error = await Should.ThrowAsync<Micron.Rpc.RemoteServiceException>(() => micron.Act<int>("fail"));
        error.StatusCode.ShouldBe(418);
        await Should.ThrowAsync<PatternNotFoundException>(() => micron.Act<int>("cmd:divide"));
    }

    [Fact]
    public async Task Act_RemoteHandlerPastTheDeadline_IsATimeoutAtTheCaller()
    {
        var secret = TestHost.NewSecret();
        string[] common = ["--secret", secret, "--heartbeat", "1s", "--Micron:CallTimeout=00:00:00.300"];
        await using var math = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<MathService>().AddService<AskerService>(), ["--services", "math", .. common]);
        await using var asker = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<MathService>().AddService<AskerService>(), ["--services", "asker", .. common]);
        await Eventually.TrueAsync(() => asker.App.Services.GetRequiredService<Micron.Discovery.ServiceRegistry>().InstancesOf("math").Count > 0, "math discovered");

        await Should.ThrowAsync<TimeoutException>(() => asker.App.Services.GetRequiredService<IMicron>().Act<int>("slow"));
    }

    [Fact]
    public async Task Act_UnknownPatternFromARoute_Is404PatternNotFound()
    {
        await using var host = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<AskerService>());

        var response = await host.Client.GetAsync("/ask/1/2");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Problem.ReadAsync(response)).Code.ShouldBe("pattern_not_found");
    }
}
