namespace Shop.Orders;

/// <summary>Cancels an open order of the user's own (<c>POST /orders/{id}/cancel</c>).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="UserId">The user cancelling it: the one who placed it.</param>
public sealed record CancelOrder(long OrderId, int UserId);
