namespace Shop.Orders;

/// <summary>An order as the views show it.</summary>
/// <param name="Id">The order's id.</param>
/// <param name="UserId">The user who placed it.</param>
/// <param name="Product">What was ordered.</param>
/// <param name="Quantity">How many.</param>
/// <param name="Status"><c>open</c> or <c>cancelled</c>.</param>
public sealed record Order(long Id, int UserId, string Product, int Quantity, string Status);
