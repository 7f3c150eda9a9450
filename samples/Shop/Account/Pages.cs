using System.Net;

namespace Shop.Account;

/// <summary>The account service's pages: fragments the gateway's layout wraps.</summary>
internal static class Pages
{
    public static string Login(string? error) => $"""
        <h1>Log in</h1>
        {(error is null ? string.Empty : $"<p class=\"error\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="/account/login">
          <label>Username <input name="username" autocomplete="username"></label>
          <label>Password <input name="password" type="password" autocomplete="current-password"></label>
          <button type="submit">Log in</button>
        </form>
        <p>Try <code>micromono</code> / <code>123456</code>.</p>
        """;
}
