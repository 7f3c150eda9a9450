using System.Collections.Immutable;

namespace Shop.Orders;

/// <summary>The orders service's model: every order, and each user's orders in the order they were placed.</summary>
/// <param name="Orders">The orders by id.</param>
/// <param name="ByUser">The ids of each user's orders.</param>
/// <param name="LastId">The id of the last order placed.</param>
public sealed record OrdersModel(ImmutableDictionary<long, Order> Orders, ImmutableDictionary<int, ImmutableList<long>> ByUser, long LastId)
{
    /// <summary>Gets the model before any order.</summary>
    public static OrdersModel Empty { get; } = new(ImmutableDictionary<long, Order>.Empty, ImmutableDictionary<int, ImmutableList<long>>.Empty, 0);

    /// <summary>Applies <see cref="OrderPlaced"/>.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The model with the order.</returns>
    public OrdersModel Apply(OrderPlaced e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return this with
        {
            Orders = Orders.SetItem(e.OrderId, new Order(e.OrderId, e.UserId, e.Product, e.Quantity, "open")),
            ByUser = ByUser.SetItem(e.UserId, ByUser.GetValueOrDefault(e.UserId, []).Add(e.OrderId)),
            LastId = Math.Max(LastId, e.OrderId),
        };
    }

    /// <summary>Applies <see cref="OrderCancelled"/>.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The model with the order cancelled.</returns>
    public OrdersModel Apply(OrderCancelled e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return this with { Orders = Orders.SetItem(e.OrderId, Orders[e.OrderId] with { Status = "cancelled" }) };
    }
}
