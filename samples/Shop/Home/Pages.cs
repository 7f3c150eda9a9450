using System.Net;

namespace Shop.Home;

/// <summary>The Shop's HTML pages: fragments the gateway's layout wraps.</summary>
internal static class Pages
{
    public const string Home = """
        <h1>Micron Shop</h1>
        <p>One codebase, run as a monolith or as microservices.</p>
        <ul>
          <li><a href="/hello/world">/hello/world</a>: text</li>
          <li><a href="/user/micromono">/user/micromono</a>: JSON</li>
          <li><a href="/project/micron/1">/project/micron/1</a>: route parameters</li>
          <li><a href="/whois/1">/whois/1</a>: a call to the account service</li>
          <li><a href="/multiply/6/7">/multiply/6/7</a>: a pattern call the calculator service answers</li>
          <li><a href="/public">/public</a>: JSON composed with the layout</li>
          <li><a href="/home/private">/home/private</a>: guarded by the account service's <code>auth</code> middleware</li>
          <li><a href="/chat">/chat</a>: a WebSocket chat</li>
        </ul>
        """;

    public static string Private(string username) => $"""
        <h1>Private</h1>
        <p>Hello, {WebUtility.HtmlEncode(username)}! Only logged-in users see this page.</p>
        <form method="post" action="/account/logout"><button type="submit">Log out</button></form>
        """;
}
