using System.Text.Json;
using Micron.EventSourcing;
using Shop.Orders;

namespace Shop.Home;

/// <summary>
/// The Shop's recent activity: the last orders placed and cancelled, built by following the orders service's events.
/// It belongs to home, so it runs where home runs; when orders runs in another process, it follows orders' signed
/// events feed. Handling is idempotent by position (an event handed over twice is recorded once).
/// </summary>
/// <param name="services">The host's services.</param>
public sealed class OrderActivity(IServiceProvider services) : EventSubscriber("home-activity", "orders", services, owner: "home")
{
    /// <summary>How many entries are kept.</summary>
    public const int Capacity = 50;

    private readonly Lock _lock = new();
    private readonly LinkedList<ActivityEntry> _entries = new();

    /// <summary>Gets the entries, newest first.</summary>
    public IReadOnlyList<ActivityEntry> Recent
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <inheritdoc />
    protected override Task HandleAsync(RecordedEvent e, CancellationToken cancellationToken)
    {
        ActivityEntry? entry = e.EventType switch
        {
            "OrderPlaced.v1" when JsonSerializer.Deserialize<OrderPlaced>(e.Data.Span, EventSourcingContext.Json) is { } placed
                => new ActivityEntry(e.Position, "placed", placed.OrderId, placed.UserId, placed.Product, placed.Quantity, e.Timestamp),
            "OrderCancelled.v1" when JsonSerializer.Deserialize<OrderCancelled>(e.Data.Span, EventSourcingContext.Json) is { } cancelled
                => new ActivityEntry(e.Position, "cancelled", cancelled.OrderId, null, null, null, e.Timestamp),
            _ => null,
        };
        if (entry is not null)
        {
            lock (_lock)
            {
                if (_entries.First?.Value.Position >= entry.Position)
                {
                    return Task.CompletedTask;
                }

                _entries.AddFirst(entry);
                if (_entries.Count > Capacity)
                {
                    _entries.RemoveLast();
                }
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>One line of the Shop's activity.</summary>
/// <param name="Position">The event's position in the orders' store.</param>
/// <param name="Kind"><c>placed</c> or <c>cancelled</c>.</param>
/// <param name="OrderId">The order.</param>
/// <param name="UserId">Who placed it (placed only).</param>
/// <param name="Product">What was ordered (placed only).</param>
/// <param name="Quantity">How many (placed only).</param>
/// <param name="At">When it happened.</param>
public sealed record ActivityEntry(long Position, string Kind, long OrderId, int? UserId, string? Product, int? Quantity, DateTimeOffset At);
