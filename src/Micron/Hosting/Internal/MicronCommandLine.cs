using System.Globalization;

namespace Micron.Hosting.Internal;

/// <summary>
/// Picks Micron's own flags (DESIGN section 5) out of the command line and turns them into configuration keys
/// under <c>Micron</c>; everything else goes on to ASP.NET Core's command-line configuration untouched.
/// </summary>
internal sealed class MicronCommandLine
{
    private static readonly Flag[] Flags =
    [
        new(["-l", "--listen"], "Micron:Listen", Repeatable: true),
    ];

    private MicronCommandLine(List<string> remaining, Dictionary<string, string?> settings, string? error)
    {
        Remaining = remaining;
        Settings = settings;
        Error = error;
    }

    /// <summary>Gets the arguments that are not Micron's.</summary>
    public IReadOnlyList<string> Remaining { get; }

    /// <summary>Gets the configuration the flags set, for example <c>Micron:Listen:0</c>.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Gets what was wrong with the command line, if anything.</summary>
    public string? Error { get; }

    public static MicronCommandLine Parse(IReadOnlyList<string> args)
    {
        var remaining = new List<string>(args.Count);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var (flag, value) = Match(args[i]);
            if (flag is null)
            {
                remaining.Add(args[i]);
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return new MicronCommandLine(remaining, settings, $"option {args[i]} needs a value");
                }

                value = args[++i];
            }

            if (flag.Repeatable)
            {
                var index = counts.TryGetValue(flag.Key, out var n) ? n : 0;
                counts[flag.Key] = index + 1;
                settings[flag.Key + ":" + index.ToString(CultureInfo.InvariantCulture)] = value;
            }
            else
            {
                settings[flag.Key] = value;
            }
        }

        return new MicronCommandLine(remaining, settings, null);
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

    private sealed record Flag(string[] Names, string Key, bool Repeatable);
}
