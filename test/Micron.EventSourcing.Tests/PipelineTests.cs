using System.Net;
using System.Net.Http.Json;
using Micron.Patterns;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.EventSourcing.Tests;

public sealed class PipelineTests : IAsyncLifetime
{
    private LedgerHost _host = null!;

    private LedgerService Ledger => _host.Ledger;

    public async Task InitializeAsync() => _host = await LedgerHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Command_RulesPass_AppendsAndRespondsFromTheModelWithItsOwnEvents()
    {
        (await Ledger.DepositAsync(new Deposit("ada", 10))).ShouldBe(10);
        (await Ledger.DepositAsync(new Deposit("ada", 5))).ShouldBe(15);

        var events = await _host.Store.ReadStreamAsync("account-ada", 0, 10);
        events.Select(e => e.EventType).ShouldBe(["Deposited.v1", "Deposited.v1"]);
        System.Text.Encoding.UTF8.GetString(events[1].Data.Span).ShouldBe("""{"account":"ada","amount":5}""");
        Ledger.Position.ShouldBe(2);
    }

    [Fact]
    public async Task Prevalidate_Broken_IsRuleBroken_AndAppendsNothing()
    {
        var error = await Should.ThrowAsync<RuleBrokenException>(() => Ledger.DepositAsync(new Deposit("ada", 0)));

        error.StatusCode.ShouldBe(400);
        error.Code.ShouldBe("rule_broken");
        error.Message.ShouldBe("The amount must be positive");
        (await _host.Store.ReadHeadPositionAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Validate_AgainstTheModel_Broken_IsRuleBroken_AndAppendsNothing()
    {
        await Ledger.DepositAsync(new Deposit("ada", 900));

        (await Should.ThrowAsync<RuleBrokenException>(() => Ledger.DepositAsync(new Deposit("ada", 101)))).Message.ShouldBe("A balance may not pass 1000");
        (await _host.Store.ReadHeadPositionAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Authorize_Refused_IsForbidden()
    {
        var error = await Should.ThrowAsync<EventSourcingException>(() => Ledger.DepositAsync(new Deposit("vault", 1)));

        error.StatusCode.ShouldBe(403);
        error.Code.ShouldBe("forbidden");
        (await _host.Store.ReadHeadPositionAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Http_BrokenRule_IsA400ProblemWithTheRulesMessage()
    {
        var response = await _host.Client.PostAsJsonAsync("/ledger/commands/Deposit", new { account = "ada", amount = -1 });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await Problem.ReadAsync(response);
        problem.Code.ShouldBe("rule_broken");
        problem.Detail.ShouldBe("The amount must be positive");
    }

    [Fact]
    public async Task Http_Command_AnswersAfterItsEventsAreApplied()
    {
        var response = await _host.Client.PostAsJsonAsync("/ledger/commands/Deposit", new { account = "bob", amount = 7 });

        (await response.Content.ReadAsStringAsync()).ShouldBe("7");
        (await _host.Client.GetStringAsync("/ledger/bob")).ShouldBe("7");
    }

    [Fact]
    public async Task Http_UnknownCommand_Is404CommandNotFound()
    {
        var response = await _host.Client.PostAsJsonAsync("/ledger/commands/Withdraw", new { account = "ada", amount = 1 });

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var problem = await Problem.ReadAsync(response);
        problem.Code.ShouldBe("command_not_found");
        problem.Detail.ShouldBe("No command named 'Withdraw'");
    }

    [Fact]
    public async Task Act_CommandIsAPattern()
    {
        var micron = _host.Host.App.Services.GetRequiredService<IMicron>();

        (await micron.Act<int>("role:ledger,cmd:Deposit", new { account = "cy", amount = 3 })).ShouldBe(3);
    }

    [Fact]
    public async Task ConcurrentCommands_OneStream_AllSucceedInTurn_NoneLost()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Ledger.DepositAsync(new Deposit("hot", 1)))));

        Ledger.Current.Balances["hot"].ShouldBe(40);
        (await _host.Store.ReadStreamAsync("account-hot", 0, 100)).Select(e => e.StreamVersion).ShouldBe(Enumerable.Range(0, 40).Select(i => (long)i));
    }

    [Fact]
    public async Task ConcurrentCommands_ARuleOnTheModel_HoldsUnderConcurrency()
    {
        // 30 deposits of 50 race for a balance capped at 1000: exactly 20 may pass, whatever the interleaving.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Ledger.DepositAsync(new Deposit("capped", 50));
                return true;
            }
            catch (RuleBrokenException)
            {
                return false;
            }
        })));

        outcomes.Count(o => o).ShouldBe(20);
        Ledger.Current.Balances["capped"].ShouldBe(1000);
    }

    [Fact]
    public async Task Reducer_Throws_ModelStaysAsItWas_FailureIsVisible_AndTheServiceGoesOn()
    {
        await Ledger.DepositAsync(new Deposit("ada", 10));
        var before = Ledger.Current;

        var error = await Should.ThrowAsync<ReducerFailedException>(() => Ledger.PoisonAsync(new Poison("ada")));

        error.StatusCode.ShouldBe(500);
        error.Code.ShouldBe("reducer_failed");
        error.Message.ShouldContain("account ada is poisoned");
        Ledger.Current.ShouldBeSameAs(before);
        Ledger.ReducerFailures.Single().ShouldBe(new ReducerFailure(2, "Poisoned.v1", "account ada is poisoned"));
        _host.Host.Logs.Entries.ShouldContain(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("Poisoned.v1"));
        (await Ledger.DepositAsync(new Deposit("ada", 1))).ShouldBe(11);
        Ledger.Position.ShouldBe(3);
    }

    [Fact]
    public void EventType_WithoutItsAttribute_IsUnknownEventType()
    {
        var error = Should.Throw<UnknownEventTypeException>(() => Internal.EventTypes.NameOf(typeof(Deposit)));

        error.StatusCode.ShouldBe(500);
        error.Code.ShouldBe("unknown_event_type");
        Internal.EventTypes.NameOf(typeof(Deposited)).ShouldBe("Deposited.v1");
    }

    [Fact]
    public async Task Http_Command_InvalidJson_Is400()
    {
        var response = await _host.Client.PostAsync("/ledger/commands/Deposit", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem.ReadAsync(response)).Code.ShouldBe("invalid_json");
    }

    [Fact]
    public async Task Http_ReducerFailure_Is500ReducerFailed()
    {
        var response = await _host.Client.PostAsJsonAsync("/ledger/commands/Poison", new { account = "x" });

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await Problem.ReadAsync(response)).Code.ShouldBe("reducer_failed");
    }
}
