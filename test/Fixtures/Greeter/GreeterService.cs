using Micron.Services;
using Microsoft.AspNetCore.Builder;

namespace Greeter;

/// <summary>A service with one route and no module: <c>micron run</c> registers it as found.</summary>
public sealed class GreeterService : MicronService
{
    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes) => routes.MapGet("/greet/{name}", (string name) => new { greeting = $"Hello, {name}" });
}
