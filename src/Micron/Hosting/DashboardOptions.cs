namespace Micron.Hosting;

/// <summary>The dashboard at <c>/_micron/dashboard</c>: services, instances, routes and their traffic, live.</summary>
public sealed class DashboardOptions
{
    /// <summary>
    /// Gets or sets whether the dashboard is served and per-route traffic is recorded for it. When off,
    /// <c>/_micron/dashboard</c> answers 404 and no request is metered.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets who may open the dashboard (after the IP allow list). <see cref="DashboardAccess.Loopback"/> opens it
    /// to anything on this machine, a reverse proxy here that adds no <c>X-Forwarded-For</c> included: opt in only where
    /// no such proxy runs.
    /// </summary>
    /// <value>The default value is <see cref="DashboardAccess.Secret"/>.</value>
    public DashboardAccess Access { get; set; } = DashboardAccess.Secret;

    /// <summary>Gets or sets how long an instance that went away stays listed as <c>down</c>.</summary>
    /// <value>The default value is five minutes.</value>
    public TimeSpan KeepDown { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Who may open the dashboard.</summary>
public enum DashboardAccess
{
    /// <summary>
    /// A request from a loopback address without credentials (unless it names a proxy with <c>X-Forwarded-For</c> or
    /// <c>Forwarded</c>); anyone else with the secret. Opt in with <c>Micron:Dashboard:Access=Loopback</c>.
    /// </summary>
    Loopback,

    /// <summary>Only with the secret: <c>Authorization: Bearer {secret}</c>, or HTTP Basic with the secret as password (the default).</summary>
    Secret,
}
