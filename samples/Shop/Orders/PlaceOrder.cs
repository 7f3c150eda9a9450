namespace Shop.Orders;

/// <summary>Places an order (<c>POST /orders</c>).</summary>
/// <param name="UserId">The user placing it: a user the account service knows.</param>
/// <param name="Product">What to order; required.</param>
/// <param name="Quantity">How many, from 1 to 100; required.</param>
public sealed record PlaceOrder(int UserId, string? Product, int? Quantity);
