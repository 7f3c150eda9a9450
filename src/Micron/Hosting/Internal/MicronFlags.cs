using Microsoft.AspNetCore.Hosting;

namespace Micron.Hosting.Internal;

/// <summary>
/// Micron's flags (<c>docs/spec/cli.md</c>), each with its variable, and the ASP.NET Core host settings a command line
/// may also give (<c>--environment</c>, <c>--urls</c>, <c>--contentRoot</c>, ...).
/// </summary>
internal static class MicronFlags
{
    public static readonly Flag[] All =
    [
        Micron("-l --listen", "Micron:Listen", "URI", "where to listen; repeatable", "tcp://0.0.0.0:3000", list: true),
        Micron("--services", "Micron:Services", "a,b", "the registered services that run in this host; none for none, all for all", "all"),
        Micron("--gateway", "Micron:Gateway", null, "serve and proxy the routes of remote services", "on", SettingKind.Switch),
        new(["--no-gateway"], "Micron:Gateway", SettingKind.Switch, "do not") { IsNegated = true },
        Micron("--discovery", "Micron:Discovery", "NAME", "local, udp, peers or none", "local"),
        Micron("--public-url", "Micron:PublicUrl", "URL", "the base URL other hosts reach this one at", "derived", SettingKind.Url),
        Micron("--peer", "Micron:Peers", "URL", "a seed peer for peers discovery; repeatable", null, SettingKind.Url, list: true),
        Micron("--discovery-udp-address", "Micron:Udp:Address", "IP", "the IPv4 multicast group of udp discovery", "224.0.0.116"),
        Micron("--discovery-udp-port", "Micron:Udp:Port", "N", "its UDP port", "11628", SettingKind.Port),
        Micron("--discovery-udp-interface", "Micron:Udp:Interface", "IP", "the local interface to send and listen on", "the system's choice"),
        Micron("--secret", "Micron:Secrets", "S", "the shared secret; repeat for a rotation (the first signs)", "the machine's key file", list: true),
        Micron("--allow-ip", "Micron:AllowIp", "CIDR", "who may call internal endpoints; repeatable", "everyone", list: true),
        Micron("--discovery-timeout", "Micron:DiscoveryTimeout", "D", "how long the start waits for a required remote service", "30s", SettingKind.Duration),
        Micron("--heartbeat", "Micron:Heartbeat", "D", "how often instances announce themselves", "1s", SettingKind.PositiveDuration),
        Micron("--wait-for-services", "Micron:WaitForServices", null, "wait for required services without a time limit", "off", SettingKind.Switch),
        Micron("--data-dir", "Micron:DataDir", "DIR", "where embedded state lives", "./data"),
    ];

    /// <summary>ASP.NET Core's host settings: a command line may give them as flags (<c>--environment Development</c>).</summary>
    public static readonly string[] HostSettings =
    [
        WebHostDefaults.EnvironmentKey, WebHostDefaults.ServerUrlsKey, WebHostDefaults.ContentRootKey, WebHostDefaults.ApplicationKey,
        WebHostDefaults.WebRootKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey, "https_port",
        WebHostDefaults.StartupAssemblyKey, WebHostDefaults.HostingStartupAssembliesKey, WebHostDefaults.HostingStartupExcludeAssembliesKey,
        WebHostDefaults.PreventHostingStartupKey, WebHostDefaults.DetailedErrorsKey, WebHostDefaults.CaptureStartupErrorsKey,
        WebHostDefaults.PreferHostingUrlsKey, WebHostDefaults.SuppressStatusMessagesKey, WebHostDefaults.ShutdownTimeoutKey,
        WebHostDefaults.StaticWebAssetsKey,
    ];

    // The variable of --allow-ip is MICRON_ALLOW_IP.
    private static Flag Micron(string names, string key, string? value, string help, string? @default, SettingKind kind = SettingKind.Text, bool list = false)
    {
        string[] all = names.Split(' ');
        return new Flag(all, key, kind, help)
        {
            IsList = list,
            Value = value,
            Default = @default,
            Variable = "MICRON_" + all[^1].TrimStart('-').Replace('-', '_').ToUpperInvariant(),
        };
    }
}
