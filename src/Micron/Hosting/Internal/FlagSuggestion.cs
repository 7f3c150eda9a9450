namespace Micron.Hosting.Internal;

/// <summary>Says which flag a mistyped one most likely meant: <c>--servics</c> is <c>--services</c>.</summary>
internal static class FlagSuggestion
{
    /// <summary>The message for a flag nobody knows.</summary>
    public static string Unknown(string name, IEnumerable<Flag> flags, IEnumerable<string> hostSettings)
    {
        IEnumerable<string> known = [.. flags.SelectMany(static f => f.Names), .. hostSettings.Select(static s => "--" + s), "--help"];
        return Closest(name, known) is { } meant
            ? $"unknown option '{name}'; did you mean '{meant}'?"
            : $"unknown option '{name}' (--help lists the options)";
    }

    /// <summary>
    /// The known flag whose name, ignoring case, is a few edits from <paramref name="name"/> (at most one in three of its
    /// letters, at least one, and never all of them), else the one flag that starts with it; <see langword="null"/> when
    /// none is close.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        var typed = name.TrimStart('-').ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        List<string> extending = [];
        foreach (var candidate in known)
        {
            var bare = candidate.TrimStart('-').ToLowerInvariant();
            var distance = Distance(typed, bare);
            if (distance <= Math.Max(1, bare.Length / 3) && distance < bare.Length && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }

            if (typed.Length >= 3 && bare.StartsWith(typed, StringComparison.Ordinal))
            {
                extending.Add(candidate);
            }
        }

        return best ?? (extending.Count == 1 ? extending[0] : null);
    }

    // Edits (insert, delete, replace, swap two neighbours) that turn one name into the other.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
