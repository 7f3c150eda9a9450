using Shop.Account;
using Shop.Calculator;
using Shop.Chat;
using Shop.Home;
using Shop.Layout;

namespace Shop;

/// <summary>The Shop's services, in one place for the host and the tests.</summary>
public static class ShopServices
{
    /// <summary>Adds every Shop service, and the gateway with the Shop's layout.</summary>
    /// <param name="micron">The Micron builder.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddShop(this IMicronBuilder micron)
        => micron.AddService<AccountService>().AddService<CalculatorService>().AddService<HomeService>().AddService<ChatService>()
            .AddGateway(static o => o.UseLayout<ShopLayout>());
}
