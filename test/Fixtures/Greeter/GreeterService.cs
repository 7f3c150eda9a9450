using Micron.Services;
using Microsoft.AspNetCore.Builder;

namespace Greeter;

/// <summary>A service with a route (and one that fails) and no module: <c>micron run</c> registers it as found.</summary>
public sealed class GreeterService : MicronService
{
    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes)
    {
        routes.MapGet("/greet/{name}", (string name) => new { greeting = $"Hello, {name}" });
        routes.MapGet("/greet-fail", string () => throw new InvalidOperationException("the greeter fails on purpose"));
    }
}
