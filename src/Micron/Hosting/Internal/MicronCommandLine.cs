using System.Collections;
using System.Globalization;

namespace Micron.Hosting.Internal;

/// <summary>
/// Picks Micron's own flags (DESIGN section 5) out of the command line, and their <c>MICRON_*</c> variables out of
/// the environment, and turns them into configuration keys under <c>Micron</c>. A flag wins over its variable;
/// everything else goes on to ASP.NET Core's command-line configuration untouched.
/// </summary>
internal sealed class MicronCommandLine
{
    private static readonly Flag[] Flags =
    [
        new(["-l", "--listen"], "Micron:Listen", FlagKind.List),
        new(["--services"], "Micron:Services", FlagKind.Value),
        new(["--gateway"], "Micron:Gateway", FlagKind.Switch),
        new(["--no-gateway"], "Micron:Gateway", FlagKind.NegatedSwitch),
        new(["--discovery"], "Micron:Discovery", FlagKind.Value),
        new(["--peer"], "Micron:Peers", FlagKind.List),
        new(["--discovery-udp-address"], "Micron:Udp:Address", FlagKind.Value),
        new(["--discovery-udp-port"], "Micron:Udp:Port", FlagKind.Value),
        new(["--discovery-udp-interface"], "Micron:Udp:Interface", FlagKind.Value),
        new(["--secret"], "Micron:Secrets", FlagKind.List),
        new(["--allow-ip"], "Micron:AllowIp", FlagKind.List),
        new(["--discovery-timeout"], "Micron:DiscoveryTimeout", FlagKind.Duration),
        new(["--heartbeat"], "Micron:Heartbeat", FlagKind.Duration),
        new(["--wait-for-services"], "Micron:WaitForServices", FlagKind.Switch),
        new(["--data-dir"], "Micron:DataDir", FlagKind.Value),
        new(["--public-url"], "Micron:PublicUrl", FlagKind.Value),
    ];

    private MicronCommandLine(List<string> remaining, Dictionary<string, string?> settings, string? error)
    {
        Remaining = remaining;
        Settings = settings;
        Error = error;
    }

    private enum FlagKind
    {
        Value,
        List,
        Duration,
        Switch,
        NegatedSwitch,
    }

    /// <summary>Gets the arguments that are not Micron's.</summary>
    public IReadOnlyList<string> Remaining { get; }

    /// <summary>Gets the configuration the flags and variables set, for example <c>Micron:Listen:0</c>.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Gets what was wrong with the command line or the variables, if anything.</summary>
    public string? Error { get; }

    public static MicronCommandLine Parse(IReadOnlyList<string> args, IDictionary? environment = null)
    {
        var remaining = new List<string>(args.Count);
        var given = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        string? error = null;
        for (var i = 0; i < args.Count && error is null; i++)
        {
            var (flag, value) = Match(args[i]);
            var written = args[i];
            if (flag is null)
            {
                remaining.Add(args[i]);
                continue;
            }

            if (flag.Kind is FlagKind.Switch or FlagKind.NegatedSwitch)
            {
                value ??= "true";
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"option {args[i]} needs a value";
                    break;
                }

                value = args[++i];
            }

            if (flag.Kind != FlagKind.List)
            {
                given.Remove(flag.Key);
            }

            (given.TryGetValue(flag.Key, out var values) ? values : given[flag.Key] = []).Add(Normalize(flag, value, written, ref error));
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var flag in Flags)
        {
            if (given.TryGetValue(flag.Key, out var values))
            {
                Store(settings, flag, values);
            }
            else if (flag.Kind != FlagKind.NegatedSwitch
                && (environment ?? Environment.GetEnvironmentVariables())[flag.Variable] is string { Length: > 0 } text
                && !settings.ContainsKey(flag.Key) && !settings.ContainsKey(flag.Key + ":0"))
            {
                var parts = flag.Kind == FlagKind.List
                    ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : [text];
                Store(settings, flag, [.. parts.Select(p => Normalize(flag, p, flag.Variable, ref error))]);
            }
        }

        return new MicronCommandLine(remaining, settings, error);
    }

    /// <summary>Parses a duration such as <c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, <c>30</c> (seconds) or <c>00:00:30</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        var span = text.AsSpan().Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (span.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(span[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                duration = TimeSpan.FromSeconds(value * seconds);
                return true;
            }
        }

        if (double.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var plain))
        {
            duration = TimeSpan.FromSeconds(plain);
            return true;
        }

        return TimeSpan.TryParse(span, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    private static string Normalize(Flag flag, string value, string source, ref string? error)
    {
        switch (flag.Kind)
        {
            case FlagKind.Duration:
                if (TryParseDuration(value, out var duration))
                {
                    return duration.ToString("c", CultureInfo.InvariantCulture);
                }

                error ??= $"{source}: '{value}' is not a duration (use 500ms, 1s, 2m)";
                return value;
            case FlagKind.Switch or FlagKind.NegatedSwitch:
                if (!bool.TryParse(value, out var on))
                {
                    error ??= $"{source}: '{value}' is not true or false";
                }

                return (flag.Kind == FlagKind.Switch ? on : !on) ? "true" : "false";
            default:
                return value;
        }
    }

    private static void Store(Dictionary<string, string?> settings, Flag flag, List<string> values)
    {
        if (flag.Kind == FlagKind.List)
        {
            for (var i = 0; i < values.Count; i++)
            {
                settings[flag.Key + ":" + i.ToString(CultureInfo.InvariantCulture)] = values[i];
            }
        }
        else
        {
            settings[flag.Key] = values[^1];
        }
    }

    private static (Flag? Flag, string? Value) Match(string arg)
    {
        foreach (var flag in Flags)
        {
            foreach (var name in flag.Names)
            {
                if (arg == name)
                {
                    return (flag, null);
                }

                if (name.StartsWith("--", StringComparison.Ordinal)
                    && arg.Length > name.Length
                    && arg[name.Length] == '='
                    && arg.StartsWith(name, StringComparison.Ordinal))
                {
                    return (flag, arg[(name.Length + 1)..]);
                }
            }
        }

        return (null, null);
    }

    private sealed record Flag(string[] Names, string Key, FlagKind Kind)
    {
        /// <summary>The environment variable: <c>--allow-ip</c> is <c>MICRON_ALLOW_IP</c>.</summary>
        public string Variable { get; } = "MICRON_" + Names[^1].TrimStart('-').Replace('-', '_').ToUpperInvariant();
    }
}
