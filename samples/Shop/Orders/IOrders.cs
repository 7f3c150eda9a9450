namespace Shop.Orders;

/// <summary>The orders service's contract: its commands and its views.</summary>
[MicronContract("orders")]
public interface IOrders
{
    /// <summary>Places an order.</summary>
    /// <param name="command">The order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order placed, with its id.</returns>
    Task<Order> PlaceOrder(PlaceOrder command, CancellationToken cancellationToken = default);

    /// <summary>Cancels an open order of the user's own.</summary>
    /// <param name="command">The order and the user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cancelled order.</returns>
    Task<Order> CancelOrder(CancelOrder command, CancellationToken cancellationToken = default);

    /// <summary>A view: a user's orders, oldest first.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The orders; empty for a user without any.</returns>
    Task<IReadOnlyList<Order>> OrdersOfUser(int userId, CancellationToken cancellationToken = default);

    /// <summary>A view: one order.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order, or <see langword="null"/>.</returns>
    Task<Order?> Order(long id, CancellationToken cancellationToken = default);
}
