namespace Micron.Dashboard.Internal;

/// <summary>What <c>GET /_micron/dashboard/data</c> answers (see <c>docs/dashboard.md</c>).</summary>
internal sealed record DashboardModel(
    DateTimeOffset Now,
    IReadOnlyList<string> LocalServices,
    IReadOnlyList<ServiceView> Services,
    IReadOnlyList<InstanceView> Instances,
    IReadOnlyList<RouteView> Routes,
    IReadOnlyList<Services.RouteConflict> Conflicts);

/// <summary>A service: its versions, and how many of its instances are up.</summary>
internal sealed record ServiceView(string Name, IReadOnlyList<string> Versions, bool Local, bool Required, int Up, int Down, string Health);

/// <summary>One instance, up or recently gone.</summary>
internal sealed record InstanceView(
    string Service, string Instance, string Url, string Version, bool Local, string Status, long LastSeenMs, int InFlight, DateTimeOffset StartedAt, DateTimeOffset? DownSince);

/// <summary>One route: where it runs and its traffic (rate over the last 10 s, the rest over the last minute).</summary>
internal sealed record RouteView(
    string Method, string Path, string? Service, string Placement, double Rate, long Requests, long Errors, long MinuteRequests, long MinuteErrors, double? P50Ms, double? P99Ms);
