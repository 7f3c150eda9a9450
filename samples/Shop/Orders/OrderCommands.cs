namespace Shop.Orders;

/// <summary>Places an order (<c>POST /orders</c>).</summary>
/// <param name="UserId">The user placing it: a user the account service knows.</param>
/// <param name="Product">What to order; required.</param>
/// <param name="Quantity">How many, from 1 to 100; required.</param>
public sealed record PlaceOrder(int UserId, string? Product, int? Quantity);

/// <summary>Cancels an open order of the user's own (<c>POST /orders/{id}/cancel</c>).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="UserId">The user cancelling it: the one who placed it.</param>
public sealed record CancelOrder(long OrderId, int UserId);
