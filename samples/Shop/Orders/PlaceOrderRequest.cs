namespace Shop.Orders;

/// <summary>The body of <c>POST /orders</c>.</summary>
/// <param name="UserId">The user placing the order.</param>
/// <param name="Product">What to order.</param>
/// <param name="Quantity">How many.</param>
public sealed record PlaceOrderRequest(int UserId, string? Product, int? Quantity);
