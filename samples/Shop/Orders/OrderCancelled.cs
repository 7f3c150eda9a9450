using Micron.EventSourcing;

namespace Shop.Orders;

/// <summary>An open order was cancelled by the user who placed it.</summary>
/// <param name="OrderId">The order's id.</param>
[EventType("OrderCancelled.v1")]
public sealed record OrderCancelled(long OrderId);
