using Micron.Http;
using Microsoft.Extensions.Configuration;

namespace Micron.Hosting.Internal;

/// <summary>
/// Checks the typed keys of the <c>Micron</c> section, wherever they come from (appsettings.json, <c>MICRON__*</c>
/// variables, <c>--Micron:Key=value</c>), so a bad value stops the start with one line naming the key instead of failing
/// the options binding; and reads durations as the flags do, so <c>Micron:CallTimeout</c> may be <c>10s</c>.
/// </summary>
internal static class SettingsCheck
{
    private static readonly (string Key, SettingKind Kind)[] Typed =
    [
        ("Micron:DiscoveryTimeout", SettingKind.Duration),
        ("Micron:Heartbeat", SettingKind.PositiveDuration),
        ("Micron:LeaveGrace", SettingKind.Duration),
        ("Micron:BreakDuration", SettingKind.Duration),
        ("Micron:CallTimeout", SettingKind.Duration),
        ("Micron:Dashboard:KeepDown", SettingKind.Duration),
        ("Micron:Gateway", SettingKind.Switch),
        ("Micron:WaitForServices", SettingKind.Switch),
        ("Micron:Dashboard:Enabled", SettingKind.Switch),
        ("Micron:Http:IncludeExceptionDetails", SettingKind.Switch),
        ("Micron:Udp:Port", SettingKind.Port),
        ("Micron:Udp:TimeToLive", SettingKind.Count),
        ("Micron:BreakerMinimumCalls", SettingKind.Count),
        ("Micron:MaxMessageSize", SettingKind.Size),
        ("Micron:Http:BodyLimit", SettingKind.Size),
        ("Micron:PublicUrl", SettingKind.Url),
    ];

    private static readonly (string Key, Type Type)[] Choices =
    [
        ("Micron:Dashboard:Access", typeof(DashboardAccess)),
        ("Micron:Http:ErrorFormat", typeof(ErrorFormat)),
    ];

    /// <summary>Checks the section.</summary>
    /// <returns>The durations given in another form than <c>hh:mm:ss</c>, in that form, to lay over the configuration.</returns>
    /// <exception cref="MicronStartupException">A value does not have its key's form: <c>Micron:CallTimeout: 'soon' is not a duration (use 500ms, 1s, 2m)</c>.</exception>
    public static Dictionary<string, string?> Check(IConfiguration configuration)
    {
        var normalized = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, kind) in Typed)
        {
            Check(configuration[key], key, kind, normalized);
        }

        foreach (var peer in configuration.GetSection("Micron:Peers").GetChildren())
        {
            Check(peer.Value, peer.Path, SettingKind.Url, normalized);
        }

        foreach (var (key, type) in Choices)
        {
            if (configuration[key] is { Length: > 0 } value && !Enum.TryParse(type, value, ignoreCase: true, out _))
            {
                throw new MicronStartupException($"{key}: '{value}' is not {string.Join(" or ", Enum.GetNames(type))}");
            }
        }

        return normalized;
    }

    private static void Check(string? value, string key, SettingKind kind, Dictionary<string, string?> normalized)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (!SettingValue.TryNormalize(kind, value, out var form, out var problem))
        {
            throw new MicronStartupException($"{key}: {problem}");
        }

        if (kind is SettingKind.Duration or SettingKind.PositiveDuration && form != value)
        {
            normalized[key] = form;
        }
    }
}
