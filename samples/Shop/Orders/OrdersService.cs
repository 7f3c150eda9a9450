using Micron.EventSourcing;
using Shop.Account;

namespace Shop.Orders;

/// <summary>
/// An event-sourced service: <see cref="PlaceOrder"/> and <see cref="CancelOrder"/> append events after their rules
/// pass, reducers build <see cref="OrdersModel"/>, and the views read it.
/// </summary>
public sealed class OrdersService(IAccount account, EventSourcingContext context) : EventSourcedService<OrdersModel>(context), IOrders
{
    /// <inheritdoc />
    public Task<Order> PlaceOrder(PlaceOrder command, CancellationToken cancellationToken = default)
        => ExecuteAsync<PlaceOrder, Order>(command, cancellationToken);

    /// <inheritdoc />
    public Task<Order> CancelOrder(CancelOrder command, CancellationToken cancellationToken = default)
        => ExecuteAsync<CancelOrder, Order>(command, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Order>> OrdersOfUser(int userId, CancellationToken cancellationToken = default)
    {
        var model = Model;
        return Task.FromResult<IReadOnlyList<Order>>([.. model.ByUser.GetValueOrDefault(userId, []).Select(id => model.Orders[id])]);
    }

    /// <inheritdoc />
    public Task<Order?> Order(long id, CancellationToken cancellationToken = default)
        => Task.FromResult(Model.Orders.GetValueOrDefault(id));

    /// <inheritdoc />
    protected override OrdersModel CreateModel() => OrdersModel.Empty;

    /// <inheritdoc />
    protected override void Configure(ModelBuilder<OrdersModel> model)
    {
        model.On<OrderPlaced>((m, e) => m.Apply(e))
            .On<OrderCancelled>((m, e) => m.Apply(e));

        model.Command<PlaceOrder, Order>()
            .Prevalidate(c => c switch
            {
                { Product: null or "" } => "A product is required",
                { Quantity: null } => "A quantity is required",
                { Quantity: < 1 or > 100 } => "The quantity must be from 1 to 100",
                _ => null,
            })
            .Validate(async (_, c, ct) => await account.GetUserById(c.UserId, ct) is null ? $"No user with id {c.UserId}" : null)
            .Stream((m, _) => $"order-{m.LastId + 1}")
            .Emit((m, c) => [new OrderPlaced(m.LastId + 1, c.UserId, c.Product!, c.Quantity!.Value)])
            .Respond((m, _, outcome) => m.Orders[((OrderPlaced)outcome.Events[0]).OrderId]);

        model.Command<CancelOrder, Order>()
            .Authorize((m, c) => m.Orders.TryGetValue(c.OrderId, out var order) && order.UserId != c.UserId
                ? $"Only the user who placed order {c.OrderId} may cancel it"
                : null)
            .Validate((m, c) => m.Orders.TryGetValue(c.OrderId, out var order)
                ? order.Status == "open" ? null : $"Order {c.OrderId} is already {order.Status}"
                : $"No order with id {c.OrderId}")
            .Stream((_, c) => $"order-{c.OrderId}")
            .Emit((_, c) => [new OrderCancelled(c.OrderId)])
            .Respond((m, c, _) => m.Orders[c.OrderId]);
    }

    /// <inheritdoc />
    protected override void MapHttp(IServiceRoutes routes)
    {
        routes.MapPost("/orders", async (PlaceOrderRequest request, CancellationToken ct) =>
        {
            var order = await PlaceOrder(new PlaceOrder(request.UserId, request.Product, request.Quantity), ct);
            return Results.Created($"/orders/{order.Id}", order);
        });
        routes.MapGet("/orders/{id}", async (long id, CancellationToken ct)
            => await Order(id, ct) ?? throw new HttpError(StatusCodes.Status404NotFound, $"No order with id {id}"));
        routes.MapGet("/users/{userId}/orders", (int userId, CancellationToken ct) => OrdersOfUser(userId, ct));
        routes.MapPost("/orders/{id}/cancel", (long id, CancelOrderRequest request, CancellationToken ct)
            => CancelOrder(new CancelOrder(id, request.UserId), ct));
    }
}
