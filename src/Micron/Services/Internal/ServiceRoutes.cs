using Microsoft.AspNetCore.Builder;
using Micron.Patterns.Internal;
using Microsoft.AspNetCore.Routing;

namespace Micron.Services.Internal;

/// <summary>A service's routes: a route group carrying the service's metadata and micro's return-value rules.</summary>
internal sealed class ServiceRoutes(RouteGroupBuilder group, string serviceName, PatternTable patterns) : IServiceRoutes
{
    private IEndpointRouteBuilder Routes => group;

    private IEndpointConventionBuilder Conventions => group;

    public string ServiceName { get; } = serviceName;

    public IServiceProvider ServiceProvider => Routes.ServiceProvider;

    public ICollection<EndpointDataSource> DataSources => Routes.DataSources;

    public IApplicationBuilder CreateApplicationBuilder() => Routes.CreateApplicationBuilder();

    public void Add(Action<EndpointBuilder> convention) => Conventions.Add(convention);

    public void Finally(Action<EndpointBuilder> finallyConvention) => Conventions.Finally(finallyConvention);

    public void AddPattern(string pattern, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        patterns.Add(ServiceName, pattern, handler);
    }
}
