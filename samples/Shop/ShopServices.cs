using Shop.Account;
using Shop.Calculator;
using Shop.Chat;
using Shop.Home;
using Shop.Layout;
using Shop.Orders;

namespace Shop;

/// <summary>The Shop's services, in one place for the host and the tests.</summary>
public static class ShopServices
{
    /// <summary>
    /// Adds every Shop service, and the gateway with the Shop's layout; orders keep their events in SQLite under
    /// <c>--data-dir</c> (<c>./data</c>).
    /// </summary>
    /// <param name="micron">The Micron builder.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddShop(this IMicronBuilder micron)
        => micron.AddService<AccountService>().AddService<CalculatorService>().AddService<HomeService>().AddService<ChatService>()
            .AddService<OrdersService>().AddSqliteEventStore().AddEventSubscriber<OrderActivity>()
            .AddGateway(static o => o.UseLayout<ShopLayout>());
}
