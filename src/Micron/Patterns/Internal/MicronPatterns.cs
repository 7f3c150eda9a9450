using System.Collections.Concurrent;
using System.Text.Json;
using Micron.Discovery;
using Micron.Rpc.Internal;

namespace Micron.Patterns.Internal;

/// <summary>
/// <see cref="IMicron"/>: finds the most specific handler of an act among this host's handlers and the patterns
/// other instances announce, then calls it directly or with <c>POST /_micron/act</c>.
/// </summary>
internal sealed class MicronPatterns(
    PatternTable table,
    ServiceRegistry registry,
    RemoteCaller caller,
    Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IMicron
{
    public const string ActPath = "/_micron/act";

    // Acts are nearly always constant texts: parsing one is a sorted dictionary and a few strings, so parsed acts are
    // kept, up to a bound that a caller building patterns from data (an id in each) cannot push memory past.
    private const int MaxRemembered = 1024;
    private readonly ConcurrentDictionary<string, Pattern?> _announced = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Pattern> _acts = new(StringComparer.Ordinal);

    public async Task<T?> Act<T>(string pattern, object? payload = null, CancellationToken cancellationToken = default)
    {
        var act = Parse(pattern);
        var options = json.Value.SerializerOptions;
        var local = table.Best(act);
        var (remoteService, remoteSpecificity) = BestRemote(act);
        if (local is not null && local.Pattern.Specificity >= remoteSpecificity)
        {
            return (T?)PatternHandler.Convert(await local.InvokeAsync(payload, options, cancellationToken).ConfigureAwait(false), typeof(T), options);
        }

        if (remoteService is null)
        {
            throw new PatternNotFoundException(act.Text);
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new ActEnvelope(act.Text, payload is null ? null : JsonSerializer.SerializeToElement(payload, payload.GetType(), options)), options);
        return (T?)await caller.PostAsync(remoteService, ActPath, body, typeof(T), idempotent: false, $"act {act}", cancellationToken).ConfigureAwait(false);
    }

    private Pattern Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (_acts.TryGetValue(pattern, out var known))
        {
            return known;
        }

        var parsed = Pattern.Parse(pattern);
        if (_acts.Count < MaxRemembered)
        {
            _acts.TryAdd(pattern, parsed);
        }

        return parsed;
    }

    private (string? Service, int Specificity) BestRemote(Pattern act)
    {
        string? service = null;
        var specificity = -1;
        foreach (var instance in registry.All)
        {
            if (instance.IsLocal)
            {
                continue;
            }

            foreach (var text in instance.Announcement.Patterns)
            {
                var announced = _announced.GetOrAdd(text, static t =>
                {
                    try
                    {
                        return Pattern.Parse(t);
                    }
                    catch (ArgumentException)
                    {
                        return null; // another host's malformed pattern never matches
                    }
                });
                if (announced is not null && announced.Matches(act) && announced.Specificity > specificity)
                {
                    (service, specificity) = (instance.Service, announced.Specificity);
                }
            }
        }

        return (service, specificity);
    }

    /// <summary>The body of <c>POST /_micron/act</c>.</summary>
    internal sealed record ActEnvelope(string Pattern, JsonElement? Payload);
}
