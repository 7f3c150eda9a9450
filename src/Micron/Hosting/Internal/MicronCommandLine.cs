using System.Collections;
using System.Globalization;

namespace Micron.Hosting.Internal;

/// <summary>
/// Reads the command line: Micron's flags and their <c>MICRON_*</c> variables become configuration keys under
/// <c>Micron</c> (a flag wins over its variable), the application's declared flags their own keys; configuration
/// flags (<c>--Section:Key=value</c>) and ASP.NET Core's host settings go on to ASP.NET Core unchanged; anything else
/// that looks like a flag is a mistake, answered with the closest known flag. Arguments after <c>--</c> are the
/// application's own.
/// </summary>
internal sealed class MicronCommandLine
{
    private const string Separator = "--";

    private MicronCommandLine(List<string> remaining, Dictionary<string, string?> settings)
    {
        Remaining = remaining;
        Settings = settings;
    }

    /// <summary>Gets the arguments that go on to ASP.NET Core's configuration.</summary>
    public IReadOnlyList<string> Remaining { get; }

    /// <summary>Gets the configuration the flags and variables set, for example <c>Micron:Listen:0</c>.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Gets what was wrong with the command line or the variables, if anything.</summary>
    public string? Error { get; private init; }

    /// <summary>Gets whether <see cref="Error"/> is a flag nobody knows (exit code 2) rather than a bad value (exit code 1).</summary>
    public bool IsUnknownFlag { get; private init; }

    /// <summary>Gets whether <c>-h</c> or <c>--help</c> was given.</summary>
    public bool Help { get; private init; }

    public static MicronCommandLine Parse(IReadOnlyList<string> args, IDictionary? environment = null, IReadOnlyList<Flag>? appFlags = null)
    {
        Flag[] flags = [.. MicronFlags.All, .. appFlags ?? []];
        var remaining = new List<string>(args.Count);
        var given = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        string? error = null;
        var unknown = false;
        for (var i = 0; i < args.Count && error is null; i++)
        {
            var arg = args[i];
            if (arg == Separator)
            {
                break;
            }

            if (IsHelp(arg))
            {
                continue;
            }

            var (flag, name, value) = Match(arg, flags);
            if (flag is null)
            {
                if (!IsFlag(arg))
                {
                    remaining.Add(arg);
                }
                else if (IsPassedOn(name))
                {
                    // As ASP.NET Core reads it: --Key=value, or --Key value with the next argument, whatever it is.
                    remaining.Add(arg);
                    if (value is null && i + 1 < args.Count)
                    {
                        remaining.Add(args[++i]);
                    }
                }
                else
                {
                    error = FlagSuggestion.Unknown(name, flags, MicronFlags.HostSettings);
                    unknown = true;
                }

                continue;
            }

            if (flag.IsSwitch)
            {
                value ??= "true";
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"option {name} needs a value";
                    break;
                }

                value = args[++i];
            }

            if (!flag.IsList)
            {
                given.Remove(flag.Key);
            }

            if (Normalize(flag, value, name, ref error) is { } normalized)
            {
                (given.TryGetValue(flag.Key, out var values) ? values : given[flag.Key] = []).Add(normalized);
            }
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var flag in flags)
        {
            if (given.TryGetValue(flag.Key, out var values))
            {
                Store(settings, flag, values);
            }
            else if (flag.Variable is { } variable
                && (environment ?? Environment.GetEnvironmentVariables())[variable] is string { Length: > 0 } text
                && !settings.ContainsKey(flag.Key) && !settings.ContainsKey(flag.Key + ":0"))
            {
                var parts = flag.IsList ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [text];
                List<string> normalized = [];
                foreach (var part in parts)
                {
                    if (Normalize(flag, part, variable, ref error) is { } value)
                    {
                        normalized.Add(value);
                    }
                }

                Store(settings, flag, normalized);
            }
        }

        return new MicronCommandLine(remaining, settings)
        {
            Error = error,
            IsUnknownFlag = unknown,
            Help = args.TakeWhile(static a => a != Separator).Any(IsHelp),
        };
    }

    private static bool IsHelp(string arg) => arg is "-h" or "--help";

    // -x and --anything are flags; "-" alone (standard input) and "-1" (a number) are not.
    private static bool IsFlag(string arg)
        => arg.Length >= 2 && arg[0] == '-' && (arg[1] == '-' || char.IsAsciiLetter(arg[1]));

    // --Section:Key is configuration; --environment, --urls, --contentRoot and the other host settings are ASP.NET Core's.
    private static bool IsPassedOn(string name)
        => name.StartsWith(Separator, StringComparison.Ordinal)
            && (name.Contains(':', StringComparison.Ordinal) || Array.Exists(MicronFlags.HostSettings, s => s.Equals(name[2..], StringComparison.OrdinalIgnoreCase)));

    private static string? Normalize(Flag flag, string value, string source, ref string? error)
    {
        if (!SettingValue.TryNormalize(flag.Kind, value, out var normalized, out var problem))
        {
            error ??= $"{source}: {problem}";
            return null;
        }

        return flag.IsNegated ? (normalized == "true" ? "false" : "true") : normalized;
    }

    private static void Store(Dictionary<string, string?> settings, Flag flag, List<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        if (flag.IsList)
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

    private static (Flag? Flag, string Name, string? Value) Match(string arg, Flag[] flags)
    {
        var equals = arg.StartsWith(Separator, StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
        var name = equals < 0 ? arg : arg[..equals];
        string? value = equals < 0 ? null : arg[(equals + 1)..];
        foreach (var flag in flags)
        {
            if (Array.IndexOf(flag.Names, name) >= 0)
            {
                return (flag, name, value);
            }
        }

        return (null, name, value);
    }
}
