using System.Collections.Immutable;
using Micron.EventSourcing;
using Micron.Services;
using Microsoft.AspNetCore.Builder;

namespace Micron.EventSourcing.Tests;

[EventType("Deposited.v1")]
public sealed record Deposited(string Account, int Amount);

[EventType("Poisoned.v1")]
public sealed record Poisoned(string Account);

public sealed record Deposit(string Account, int Amount);

public sealed record Poison(string Account);

public sealed record Ledger(ImmutableDictionary<string, int> Balances, int Deposits)
{
    public static Ledger Empty { get; } = new(ImmutableDictionary<string, int>.Empty, 0);

    // Records compare dictionaries by reference: this compares what a user sees.
    public string Describe() => string.Join(",", Balances.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => $"{b.Key}={b.Value}")) + $";{Deposits}";
}

/// <summary>A small event-sourced service with every pipeline step, and a reducer that throws.</summary>
public sealed class LedgerService(EventSourcingContext context) : EventSourcedService<Ledger>(context)
{
    public Ledger Current => Model;

    public Task<int> DepositAsync(Deposit deposit) => ExecuteAsync<Deposit, int>(deposit);

    public Task<int> PoisonAsync(Poison poison) => ExecuteAsync<Poison, int>(poison);

    protected override Ledger CreateModel() => Ledger.Empty;

    protected override void Configure(ModelBuilder<Ledger> model)
    {
        model.On<Deposited>((m, e) => m with { Balances = m.Balances.SetItem(e.Account, m.Balances.GetValueOrDefault(e.Account) + e.Amount), Deposits = m.Deposits + 1 })
            .On<Poisoned>((_, e) => throw new InvalidOperationException($"account {e.Account} is poisoned"));

        model.Command<Deposit, int>()
            .Authorize((_, c) => c.Account == "vault" ? "Nobody deposits into the vault" : null)
            .Prevalidate(c => c.Amount <= 0 ? "The amount must be positive" : null)
            .Validate((m, c) => m.Balances.GetValueOrDefault(c.Account) + c.Amount > 1000 ? "A balance may not pass 1000" : null)
            .Stream((_, c) => "account-" + c.Account)
            .Emit((_, c) => [new Deposited(c.Account, c.Amount)])
            .Respond((m, c, _) => m.Balances[c.Account]);

        model.Command<Poison, int>()
            .Stream((_, c) => "account-" + c.Account)
            .Emit((_, c) => [new Poisoned(c.Account)])
            .Respond((m, c, _) => m.Balances.GetValueOrDefault(c.Account));
    }

    protected override void MapHttp(IServiceRoutes routes)
    {
        MapCommands(routes, "/ledger/commands");
        routes.MapGet("/ledger/{account}", (string account) => Model.Balances.GetValueOrDefault(account));
    }
}
