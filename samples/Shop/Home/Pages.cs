namespace Shop.Home;

/// <summary>The Shop's HTML pages.</summary>
internal static class Pages
{
    public const string Home = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Micron Shop</title></head>
        <body>
          <h1>Micron Shop</h1>
          <p>One codebase, run as a monolith or as microservices.</p>
          <ul>
            <li><a href="/hello/world">/hello/world</a>: text</li>
            <li><a href="/user/micromono">/user/micromono</a>: JSON</li>
            <li><a href="/project/micron/1">/project/micron/1</a>: route parameters</li>
            <li><a href="/whois/1">/whois/1</a>: a call to the account service</li>
            <li><a href="/multiply/6/7">/multiply/6/7</a>: a pattern call the calculator service answers</li>
          </ul>
        </body>
        </html>
        """;
}
