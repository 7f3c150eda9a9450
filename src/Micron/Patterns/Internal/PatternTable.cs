namespace Micron.Patterns.Internal;

/// <summary>The pattern handlers of the services running in this host.</summary>
internal sealed class PatternTable
{
    private readonly List<PatternHandler> _handlers = [];

    public IReadOnlyList<PatternHandler> Handlers => _handlers;

    /// <exception cref="InvalidOperationException">The same pattern is already handled here.</exception>
    public void Add(string service, string pattern, Delegate handler)
    {
        var parsed = Pattern.Parse(pattern);
        var existing = _handlers.Find(h => h.Pattern.Text == parsed.Text);
        if (existing is not null)
        {
            throw new InvalidOperationException($"pattern '{parsed}' is handled twice: by '{existing.Service}' and by '{service}'");
        }

        _handlers.Add(new PatternHandler(service, parsed, handler));
    }

    /// <summary>The handler with the most specific pattern matching <paramref name="act"/>, or <see langword="null"/>.</summary>
    public PatternHandler? Best(Pattern act)
    {
        PatternHandler? best = null;
        foreach (var handler in _handlers)
        {
            if (handler.Pattern.Matches(act) && (best is null || handler.Pattern.Specificity > best.Pattern.Specificity))
            {
                best = handler;
            }
        }

        return best;
    }
}
