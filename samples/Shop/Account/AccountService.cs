using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Shop.Account;

/// <summary>
/// Users and sessions. Implements <see cref="IAccount"/> for the other services, serves the login form, and provides
/// the <c>auth</c> middleware that other services' routes require (micromono's semi-remote middleware).
/// </summary>
public sealed class AccountService : MicronService, IAccount
{
    /// <summary>The session cookie's name.</summary>
    public const string SessionCookie = "shop_session";

    private readonly ConcurrentDictionary<string, User> _sessions = new(StringComparer.Ordinal);
    private FrozenDictionary<int, User> _users = FrozenDictionary<int, User>.Empty;

    /// <inheritdoc />
    public override Task InitAsync(CancellationToken cancellationToken)
    {
        // The seed's example account: user 1 is "micromono".
        _users = new Dictionary<int, User> { [1] = new User(1, "micromono") }.ToFrozenDictionary();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<User?> GetUserById(int id, CancellationToken cancellationToken = default)
        => Task.FromResult(_users.GetValueOrDefault(id));

    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes)
    {
        routes.MapGet("/account/login", () => Results.Content(Pages.Login(null), "text/html; charset=utf-8")).WithLayout();
        routes.MapPost("/account/login", (Delegate)LoginAsync).WithLayout();
        routes.MapPost("/account/logout", Logout);
        routes.ProvideMiddleware("auth", Authenticate);
    }

    private async Task<IResult> LoginAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var user = _users.Values.FirstOrDefault(u => u.Username == form?["username"].ToString());

        // The seed's demo password; a real service would check a hash.
        if (user is null || form?["password"].ToString() != "123456")
        {
            return Results.Content(Pages.Login("Wrong username or password."), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        }

        var session = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _sessions[session] = user;
        context.Response.Cookies.Append(SessionCookie, session, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
        return Results.Redirect("/home/private");
    }

    private IResult Logout(HttpContext context)
    {
        if (context.Request.Cookies[SessionCookie] is { } session)
        {
            _sessions.TryRemove(session, out _);
        }

        context.Response.Cookies.Delete(SessionCookie, new CookieOptions { Path = "/" });
        return Results.Redirect("/");
    }

    private ValueTask<MiddlewareResult> Authenticate(MiddlewareRequest request, CancellationToken cancellationToken)
        => ValueTask.FromResult(request.GetCookie(SessionCookie) is { } session && _sessions.TryGetValue(session, out var user)
            ? MiddlewareResult.Continue(user)
            : MiddlewareResult.Redirect("/account/login"));
}
