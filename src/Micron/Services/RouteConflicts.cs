namespace Micron.Services;

/// <summary>Two services that claim the same HTTP method and route template.</summary>
/// <param name="Method">The HTTP method, or <c>*</c> for any.</param>
/// <param name="Path">The route template both claim, for example <c>/whois/{id}</c>.</param>
/// <param name="Services">The services that claim it; the first one keeps the route.</param>
public sealed record RouteConflict(string Method, string Path, IReadOnlyList<string> Services);

/// <summary>
/// Reports the route conflicts a component found between services (the gateway's route table is one), so that
/// the dashboard and the logs can show them. Register implementations as singletons of this interface.
/// </summary>
public interface IRouteConflictSource
{
    /// <summary>Gets the conflicts found so far; empty when every route has one owner.</summary>
    IReadOnlyList<RouteConflict> Conflicts { get; }
}
