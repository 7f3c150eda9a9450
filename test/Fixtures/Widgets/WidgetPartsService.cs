using Micron.Services;
using Microsoft.AspNetCore.Builder;

namespace Widgets;

/// <summary>A second service of the same library: the first by name (<c>widget-parts</c>) serves the library's assets.</summary>
public sealed class WidgetPartsService : MicronService
{
    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes) => routes.MapGet("/widgets/parts", () => new[] { "cog", "spring" });
}
