using Micron.Patterns;
using Shop.Account;

namespace Shop.Home;

/// <summary>
/// The Shop's pages and small JSON endpoints; asks <see cref="IAccount"/> about users, and shows the orders' activity
/// (<see cref="OrderActivity"/>).
/// </summary>
public sealed class HomeService(IAccount account, IMicron micron, OrderActivity activity) : MicronService
{
    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes)
    {
        routes.MapGet("/", () => Results.Content(Pages.Home, "text/html; charset=utf-8")).WithLayout();
        routes.MapGet("/public", () => new { title = "Public", message = "Anyone may read this page." }).WithLayout();
        routes.MapGet("/home/private", (HttpContext context) => Results.Content(Pages.Private(context.GetMicronUser<User>()!.Username), "text/html; charset=utf-8"))
            .RequireMiddleware("auth")
            .WithLayout();
        routes.MapAssets("/home/assets");
        routes.MapGet("/hello/{name}", (string name) => $"Hello, {name}");
        routes.MapGet("/project/{project}/{id}", (string project, string id) => $"project/{project}/{id}");
        routes.MapGet("/user/{name}", (string name) => new { name });
        routes.MapGet("/whois/{id}", WhoIsAsync);
        routes.MapGet("/multiply/{first}/{second}", async (long first, long second, CancellationToken ct)
            => await micron.Act<long>("multiply", new { first, second }, ct));
        routes.MapGet("/profile/{id}", ProfileAsync);

        // The orders placed and cancelled lately, newest first: followed from the orders service's events.
        routes.MapGet("/activity", () => activity.Recent);
    }

    // One request that touches three services: home asks account (a contract call) and calculator (a pattern call).
    private async Task<object> ProfileAsync(int id, CancellationToken cancellationToken)
    {
        var user = await WhoIsAsync(id, cancellationToken);
        var score = await micron.Act<long>("multiply", new { first = user.Id, second = user.Username.Length }, cancellationToken);
        return new { user, score };
    }

    private async Task<User> WhoIsAsync(int id, CancellationToken cancellationToken)
        => await account.GetUserById(id, cancellationToken) ?? throw new HttpError(StatusCodes.Status404NotFound, $"No user with id {id}");
}
