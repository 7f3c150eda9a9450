using System.Collections.Concurrent;

namespace Micron.EventSourcing.Tests;

/// <summary>A subscriber of the ledger's events that remembers what it handled.</summary>
public sealed class LedgerAudit(IServiceProvider services) : EventSubscriber("audit", "ledger", services)
{
    public ConcurrentQueue<RecordedEvent> Seen { get; } = new();

    protected override Task HandleAsync(RecordedEvent e, CancellationToken cancellationToken)
    {
        Seen.Enqueue(e);
        return Task.CompletedTask;
    }
}
