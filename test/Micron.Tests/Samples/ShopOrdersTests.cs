using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Micron.Rpc;
using Micron.Testing;
using Micron.Tests.Support;
using Shop.Orders;

namespace Micron.Tests.Samples;

/// <summary>The Shop's event-sourced orders service, written once and run in the three modes.</summary>
public abstract class ShopOrdersTests(ShopCluster shop)
{
    private readonly MicronTestCluster _cluster = shop.Cluster;
    private readonly HttpClient _orders = shop.Cluster.CreateClient("orders");

    [Fact]
    public async Task PostOrders_Valid_Is201WithTheOrderAndItsId()
    {
        var response = await _orders.PostAsync("/orders", Json("""{"userId":1,"product":"book","quantity":2}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var order = await response.Content.ReadFromJsonAsync<Order>();
        order.ShouldBe(new Order(order!.Id, 1, "book", 2, "open"));
        order.Id.ShouldBeGreaterThan(0);
        response.Headers.Location!.ToString().ShouldBe($"/orders/{order.Id}");
        (await _orders.GetStringAsync($"/orders/{order.Id}")).ShouldBe($$"""{"id":{{order.Id}},"userId":1,"product":"book","quantity":2,"status":"open"}""");
    }

    [Theory]
    [InlineData("""{"userId":1,"product":"book","quantity":0}""", "The quantity must be from 1 to 100")]
    [InlineData("""{"userId":1,"product":"book","quantity":101}""", "The quantity must be from 1 to 100")]
    [InlineData("""{"userId":1,"quantity":1}""", "A product is required")]
    [InlineData("""{"userId":1,"product":"book"}""", "A quantity is required")]
    [InlineData("""{"userId":99,"product":"book","quantity":1}""", "No user with id 99")]
    public async Task PostOrders_BrokenRule_Is400RuleBroken_WithTheRulesMessage(string body, string message)
    {
        var response = await _orders.PostAsync("/orders", Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await Problem.ReadAsync(response);
        problem.Code.ShouldBe("rule_broken");
        problem.Detail.ShouldBe(message);
    }

    [Fact]
    public async Task GetOrder_Unknown_Is404()
    {
        var response = await _orders.GetAsync("/orders/999999");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Problem.ReadAsync(response)).Detail.ShouldBe("No order with id 999999");
    }

    [Fact]
    public async Task UsersOrders_ListsTheUsersOrders_OldestFirst()
    {
        var first = await PlaceAsync("pen", 1);
        var second = await PlaceAsync("ink", 3);

        var orders = (await _orders.GetFromJsonAsync<List<Order>>("/users/1/orders"))!;

        orders.ShouldContain(first);
        orders.IndexOf(first).ShouldBeLessThan(orders.IndexOf(second));
        (await _orders.GetStringAsync("/users/2/orders")).ShouldBe("[]");
    }

    [Fact]
    public async Task Cancel_OwnOpenOrder_ThenAgain_ThenByAnotherUser()
    {
        var order = await PlaceAsync("lamp", 1);

        var byOther = await _orders.PostAsync($"/orders/{order.Id}/cancel", Json("""{"userId":2}"""));
        byOther.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Problem.ReadAsync(byOther)).Code.ShouldBe("forbidden");

        var cancelled = await _orders.PostAsync($"/orders/{order.Id}/cancel", Json("""{"userId":1}"""));
        (await cancelled.Content.ReadFromJsonAsync<Order>()).ShouldBe(order with { Status = "cancelled" });

        var again = await _orders.PostAsync($"/orders/{order.Id}/cancel", Json("""{"userId":1}"""));
        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem.ReadAsync(again)).Detail.ShouldBe($"Order {order.Id} is already cancelled");

        var missing = await _orders.PostAsync("/orders/999999/cancel", Json("""{"userId":1}"""));
        (await Problem.ReadAsync(missing)).Detail.ShouldBe("No order with id 999999");
    }

    [Fact]
    public async Task Contract_CommandsAndViews_ThroughIOrders()
    {
        var orders = _cluster.GetRequiredService<IOrders>();

        var order = await orders.PlaceOrder(new PlaceOrder(1, "cup", 4));

        (await orders.Order(order.Id)).ShouldBe(order);
        (await orders.OrdersOfUser(1)).ShouldContain(order);
        var error = await Should.ThrowAsync<Exception>(() => orders.PlaceOrder(new PlaceOrder(1, "cup", 0)));
        var (status, code) = error switch
        {
            Micron.Http.HttpError local => (local.StatusCode, local.Code),
            RemoteServiceException remote => (remote.StatusCode, remote.Code),
            _ => (0, error.GetType().Name),
        };
        (status, code).ShouldBe((400, "rule_broken"));
        error.Message.ShouldEndWith("The quantity must be from 1 to 100");
    }

    [Fact]
    public async Task ConcurrentPlaceOrders_EachGetsItsOwnId()
    {
        var placed = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => PlaceAsync("batch", i + 1)));

        placed.Select(o => o.Id).Distinct().Count().ShouldBe(10);
        foreach (var order in placed)
        {
            (await _orders.GetFromJsonAsync<Order>($"/orders/{order.Id}")).ShouldBe(order);
        }
    }

    [Fact]
    public async Task Activity_OnHome_FollowsTheOrdersEvents_PlacedThenCancelled()
    {
        // home follows orders' events: from its store in a monolith, over orders' signed feed when they are apart.
        using var home = _cluster.CreateClient("home");
        var order = await PlaceAsync("kite", 4);
        (await _orders.PostAsync($"/orders/{order.Id}/cancel", Json("""{"userId":1}"""))).EnsureSuccessStatusCode();

        List<JsonElement> mine = [];
        await Eventually.TrueAsync(
            async () =>
            {
                var activity = await home.GetFromJsonAsync<List<JsonElement>>("/activity");
                mine = [.. activity!.Where(a => a.GetProperty("orderId").GetInt64() == order.Id)];
                return mine.Count == 2;
            },
            "the order placed and cancelled in home's activity",
            TimeSpan.FromSeconds(20));

        mine[0].GetProperty("kind").GetString().ShouldBe("cancelled");
        mine[1].GetProperty("kind").GetString().ShouldBe("placed");
        mine[1].GetProperty("product").GetString().ShouldBe("kite");
        mine[1].GetProperty("quantity").GetInt32().ShouldBe(4);
        mine[0].GetProperty("position").GetInt64().ShouldBeGreaterThan(mine[1].GetProperty("position").GetInt64());
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private async Task<Order> PlaceAsync(string product, int quantity)
    {
        var response = await _orders.PostAsync("/orders", Json(JsonSerializer.Serialize(new { userId = 1, product, quantity })));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<Order>())!;
    }
}

public sealed class ShopOrdersLocalTests(LocalShop shop) : ShopOrdersTests(shop), IClassFixture<LocalShop>;

public sealed class ShopOrdersRemoteInProcessTests(RemoteInProcessShop shop) : ShopOrdersTests(shop), IClassFixture<RemoteInProcessShop>;

public sealed class ShopOrdersMultiProcessTests(MultiProcessShop shop) : ShopOrdersTests(shop), IClassFixture<MultiProcessShop>;

/// <summary>The orders' events outlive the process.</summary>
public class ShopOrdersRestartTests
{
    [Fact]
    public async Task Orders_SurviveARestartOfTheShopProcess()
    {
        string[] args = ["--listen", "tcp://127.0.0.1:0", "--data-dir", Directory.CreateTempSubdirectory("micron-shop-").FullName, "--discovery", "none"];
        string placed;
        string cancelled;
        await using (var shop = HostProcess.Start("Shop", args))
        {
            using var client = new HttpClient { BaseAddress = await shop.WaitForListeningAsync() };
            placed = await (await client.PostAsJsonAsync("/orders", new { userId = 1, product = "book", quantity = 2 })).Content.ReadAsStringAsync();
            await client.PostAsJsonAsync("/orders", new { userId = 1, product = "pen", quantity = 1 });
            cancelled = await (await client.PostAsJsonAsync("/orders/2/cancel", new { userId = 1 })).Content.ReadAsStringAsync();
            shop.Signal("TERM");
            (await shop.WaitForExitAsync()).ShouldBe(0);
        }

        await using var restarted = HostProcess.Start("Shop", args);
        using var after = new HttpClient { BaseAddress = await restarted.WaitForListeningAsync() };
        (await after.GetStringAsync("/orders/1")).ShouldBe(placed);
        (await after.GetStringAsync("/users/1/orders")).ShouldBe($"[{placed},{cancelled}]");
        cancelled.ShouldContain("\"status\":\"cancelled\"");
    }
}
