using System.Net;
using System.Text.Json;

namespace Micron.Gateway.Layout.Internal;

/// <summary>
/// A layout from a template: <c>{{title}}</c>, <c>{{yield}}</c> (the page's HTML) and <c>{{model}}</c> (the JSON model,
/// encoded) are replaced. The built-in layout is one.
/// </summary>
internal sealed class TemplateLayout(string template) : ILayoutRenderer
{
    public const string Default = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{title}}</title></head>
        <body>
        <main>
        {{yield}}{{model}}
        </main>
        </body>
        </html>
        """;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public ValueTask<string> RenderAsync(LayoutPage page, CancellationToken cancellationToken)
    {
        var model = page.Model is { } json ? "<pre>" + WebUtility.HtmlEncode(JsonSerializer.Serialize(json, Indented)) + "</pre>" : string.Empty;
        return ValueTask.FromResult(template
            .Replace("{{title}}", WebUtility.HtmlEncode(page.Title ?? "Micron"), StringComparison.Ordinal)
            .Replace("{{yield}}", page.Body ?? string.Empty, StringComparison.Ordinal)
            .Replace("{{model}}", model, StringComparison.Ordinal));
    }
}
