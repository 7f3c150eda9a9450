namespace Micron.Hosting;

/// <summary>
/// Where services run and how hosts find and trust each other: the <c>Micron</c> configuration section, also set
/// by the command line (<c>--services</c>, <c>--secret</c>, ...) and <c>MICRON_*</c> variables (see <c>docs/spec/cli.md</c>).
/// </summary>
public sealed class MicronOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Micron";

    /// <summary>
    /// Gets or sets the services that run in this host: names separated by commas, <c>none</c> for a pure gateway,
    /// or <see langword="null"/> (or <c>all</c>) for every registered service.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: every registered service runs here.</value>
    public string? Services { get; set; }

    /// <summary>Gets whether this host runs no service (<c>--services none</c>): a dedicated gateway, or a caller.</summary>
    internal bool RunsNoService => string.Equals(Services?.Trim(), "none", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets or sets whether this host serves and proxies the routes of remote services.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Gateway { get; set; } = true;

    /// <summary>Gets or sets how instances find each other: <c>local</c>, <c>udp</c>, <c>peers</c> or <c>none</c>.</summary>
    /// <value>The default value is <c>local</c> (every host on this machine, no configuration).</value>
    public string Discovery { get; set; } = "local";

    /// <summary>
    /// Gets or sets the base URL other hosts reach this one at. When not set: the bound address, or, for a host bound
    /// to every interface, 127.0.0.1 with <c>local</c> discovery and the first non-loopback IPv4 address otherwise.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Gets or sets a certificate file (PEM or DER) whose holder is trusted as the root of the certificates other
    /// hosts present on <c>https://</c> (an internal CA, or one self-signed certificate): remote calls, middleware calls
    /// and a gateway's forwarding to instances then trust those chains instead of the system's roots.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the system's trust store.</value>
    public string? TrustedCertificate { get; set; }

    /// <summary>Gets where <c>udp</c> discovery sends and hears announcements.</summary>
    public UdpDiscoveryOptions Udp { get; } = new();

    /// <summary>Gets the dashboard's settings (<c>Micron:Dashboard</c>).</summary>
    public DashboardOptions Dashboard { get; } = new();

    /// <summary>Gets the seed peers (base URLs) for the <c>peers</c> discovery.</summary>
    public IList<string> Peers { get; } = [];

    /// <summary>
    /// Gets the shared secrets: the first signs, every one is accepted (two during a rotation). Empty means
    /// <c>MICRON_SECRET</c>, else a key file created with mode 0600 in the temp directory.
    /// </summary>
    public IList<string> Secrets { get; } = [];

    /// <summary>Gets the addresses (CIDR, or single IPs) allowed to call internal endpoints; empty allows all.</summary>
    public IList<string> AllowIp { get; } = [];

    /// <summary>Gets or sets how long the start waits for a required remote service to be found.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan DiscoveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often an instance announces itself; one silent for three heartbeats is evicted.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long a stopping host keeps serving after it announced <c>leave</c>, so callers learn of the
    /// leave before it stops taking requests; <see langword="null"/> means one and a half heartbeats.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? LeaveGrace { get; set; }

    /// <summary>Gets or sets whether the start waits for required services without a time limit.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool WaitForServices { get; set; }

    /// <summary>Gets or sets how a remote call picks an instance: <c>RoundRobin</c> or <c>LeastInFlight</c>.</summary>
    /// <value>The default value is <c>RoundRobin</c>.</value>
    public string LoadBalancing { get; set; } = "RoundRobin";

    /// <summary>Gets or sets how many calls an instance must have had in 10 s before its circuit breaker may open.</summary>
    /// <value>The default value is 10.</value>
    public int BreakerMinimumCalls { get; set; } = 10;

    /// <summary>Gets or sets how long an instance whose circuit opened (half its calls failing) gets no calls.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the deadline of a remote call that gives none.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the largest message an internal endpoint accepts (an RPC envelope, an announcement).</summary>
    /// <value>The default value is <c>16mb</c>.</value>
    public Http.BodyLimit MaxMessageSize { get; set; } = Http.BodyLimit.Parse("16mb");

    /// <summary>Gets or sets where embedded state lives (the SQLite event store, snapshots).</summary>
    /// <value>The default value is <c>./data</c>.</value>
    public string DataDir { get; set; } = "./data";
}
