using Micron.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Gateway.Internal;

/// <summary>Adds the gateway to a Micron application: WebSockets, route middleware, and the remote routes as endpoints.</summary>
internal sealed class GatewayFeature : IMicronApplicationFeature
{
    public void Configure(WebApplication app)
    {
        app.UseWebSockets();
        app.UseMiddleware<GatewayMiddleware>();
        ((IEndpointRouteBuilder)app).DataSources.Add(app.Services.GetRequiredService<GatewayEndpointDataSource>());
    }
}
