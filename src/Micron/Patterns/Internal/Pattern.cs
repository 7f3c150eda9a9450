namespace Micron.Patterns.Internal;

/// <summary>
/// A pattern as a set of <c>key:value</c> pairs (Seneca, @angstone/micro): <c>"role:math,cmd:multiply"</c>; a bare
/// word means <c>cmd:word</c>, so <c>"multiply"</c> is <c>cmd:multiply</c>. A handler's pattern matches an act whose
/// pairs include all of its own; the match with the most pairs wins.
/// </summary>
internal sealed class Pattern
{
    private Pattern(SortedDictionary<string, string> pairs)
    {
        Pairs = pairs;
        Text = string.Join(",", pairs.Select(static p => $"{p.Key}:{p.Value}"));
    }

    public IReadOnlyDictionary<string, string> Pairs { get; }

    /// <summary>Gets the canonical text: pairs sorted by key, <c>cmd:multiply,role:math</c>.</summary>
    public string Text { get; }

    public int Specificity => Pairs.Count;

    /// <exception cref="ArgumentException">The text is empty or a pair has an empty key or value, or a key twice.</exception>
    public static Pattern Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in text.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var (key, value) = colon < 0 ? ("cmd", token) : (token[..colon].Trim(), token[(colon + 1)..].Trim());
            if (key.Length == 0 || value.Length == 0)
            {
                throw new ArgumentException($"'{text}' is not a pattern: write key:value pairs such as 'role:math,cmd:multiply', or a bare command", nameof(text));
            }

            if (!pairs.TryAdd(key, value))
            {
                throw new ArgumentException($"'{text}' is not a pattern: '{key}' appears twice", nameof(text));
            }
        }

        return pairs.Count > 0 ? new Pattern(pairs) : throw new ArgumentException($"'{text}' is not a pattern", nameof(text));
    }

    /// <summary>Whether this (a handler's) pattern matches <paramref name="act"/>: every pair of this one is in it.</summary>
    public bool Matches(Pattern act)
    {
        foreach (var (key, value) in Pairs)
        {
            if (!act.Pairs.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}
