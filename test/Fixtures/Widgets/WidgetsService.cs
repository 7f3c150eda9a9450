using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Widgets;

/// <summary>A service in a Razor class library: its page links the library's static web assets.</summary>
public sealed class WidgetsService : MicronService
{
    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes)
        => routes.MapGet("/widgets", () => Results.Content("""<link rel="stylesheet" href="/_content/Widgets/widgets.css"><h1>Widgets</h1>""", "text/html"));
}
