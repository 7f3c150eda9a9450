using System.Collections.Concurrent;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.EventSourcing.Tests;

/// <summary>A subscriber that belongs to a service runs only where that service is placed.</summary>
public sealed class SubscriberPlacementTests
{
    [Fact]
    public async Task OwnedSubscriber_RunsWhereItsOwnerRuns_AndStaysIdleElsewhere()
    {
        await using var host = await LedgerHost.StartAsync(null, m => m.AddEventSubscriber<LedgerBook>().AddEventSubscriber<ReportsBook>());
        var here = host.Host.App.Services.GetRequiredService<LedgerBook>();
        var elsewhere = host.Host.App.Services.GetRequiredService<ReportsBook>();

        await host.Ledger.DepositAsync(new Deposit("ada", 5));

        await Eventually.TrueAsync(() => here.Checkpoint == 1, "the ledger's own subscriber handling the deposit");
        here.IsActive.ShouldBeTrue();
        here.Seen.Select(e => e.Position).ShouldBe([1L]);
        elsewhere.IsActive.ShouldBeFalse();
        elsewhere.ExecuteTask!.IsCompleted.ShouldBeTrue("a subscriber whose owner is not placed here returns at once");
        elsewhere.Checkpoint.ShouldBe(0);
        elsewhere.Seen.ShouldBeEmpty();
    }

    public sealed class LedgerBook(IServiceProvider services) : EventSubscriber("ledger-book", "ledger", services, owner: "ledger")
    {
        public ConcurrentQueue<RecordedEvent> Seen { get; } = new();

        protected override Task HandleAsync(RecordedEvent e, CancellationToken cancellationToken)
        {
            Seen.Enqueue(e);
            return Task.CompletedTask;
        }
    }

    public sealed class ReportsBook(IServiceProvider services) : EventSubscriber("reports-book", "ledger", services, owner: "reports")
    {
        public ConcurrentQueue<RecordedEvent> Seen { get; } = new();

        protected override Task HandleAsync(RecordedEvent e, CancellationToken cancellationToken)
        {
            Seen.Enqueue(e);
            return Task.CompletedTask;
        }
    }
}
