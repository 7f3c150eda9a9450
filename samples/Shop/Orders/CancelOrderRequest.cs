namespace Shop.Orders;

/// <summary>The body of <c>POST /orders/{id}/cancel</c>.</summary>
/// <param name="UserId">The user cancelling the order.</param>
public sealed record CancelOrderRequest(int UserId);
