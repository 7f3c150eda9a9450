using Micron.EventSourcing;

namespace Shop.Orders;

/// <summary>An order was placed. Its id is the model's next order number.</summary>
/// <param name="OrderId">The order's id.</param>
/// <param name="UserId">The user who placed it.</param>
/// <param name="Product">What was ordered.</param>
/// <param name="Quantity">How many.</param>
[EventType("OrderPlaced.v1")]
public sealed record OrderPlaced(long OrderId, int UserId, string Product, int Quantity);
