using Micron.Services;
using Microsoft.AspNetCore.Builder;

namespace Gadgets;

/// <summary>A service in a second Razor class library.</summary>
public sealed class GadgetsService : MicronService
{
    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes) => routes.MapGet("/gadgets", () => "gadgets");
}
