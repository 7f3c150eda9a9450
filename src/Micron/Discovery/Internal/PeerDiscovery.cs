using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Micron.Hosting;
using Micron.Rpc.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Discovery.Internal;

/// <summary>
/// <c>--discovery peers</c> (express-micro's register and ping, made mutual): every heartbeat a host posts its
/// announcements to every peer it knows, the <c>--peer</c> seeds and every instance it has heard of, and each peer
/// answers with what it knows, so one seed is enough to find the whole group. A seed that does not answer is tried
/// again at the next heartbeat.
/// </summary>
internal sealed partial class PeerDiscovery(
    ServiceRegistry registry, MicronHttpClient http, IOptions<MicronOptions> options, ILogger<PeerDiscovery> logger) : IDiscoveryProvider
{
    public const string AnnouncePath = "/_micron/announce";
    private readonly ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _refusals = new(StringComparer.OrdinalIgnoreCase);

    public string Name => "peers";

    public string? Refusal => _refusals.Values.FirstOrDefault();

    private volatile bool _announced;

    // Once this host announces, what others know arrives in the answers to its posts (and at /_micron/announce).
    // Before that, while the start waits for the services it needs, it asks with an empty announcement.
    public Task ListenAsync(TimeSpan pause, CancellationToken cancellationToken)
        => _announced ? Task.CompletedTask : AnnounceAsync([], cancellationToken);

    public async Task AnnounceAsync(IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken)
    {
        _announced |= announcements.Count > 0;
        var own = announcements.Select(static a => a.Url).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var peers = options.Value.Peers.Select(static p => p.TrimEnd('/'))
            .Concat(registry.All.Where(static i => !i.IsLocal).Select(static i => i.Announcement.Url.TrimEnd('/')))
            .Where(p => !own.Contains(p))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        await Parallel.ForEachAsync(peers, cancellationToken, async (peer, ct) => await PostAsync(peer, announcements, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task PostAsync(string peer, IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var response = await http.Client.PostAsJsonAsync(peer + AnnouncePath, announcements, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var (code, _) = await PeerProblem.ReadAsync(response, timeout.Token).ConfigureAwait(false);
                if (PeerProblem.Refusal((int)response.StatusCode, code, peer) is { } refusal)
                {
                    if (_refusals.TryAdd(peer, refusal))
                    {
                        LogRefused(logger, refusal);
                    }

                    return;
                }

                response.EnsureSuccessStatusCode();
            }

            _refusals.TryRemove(peer, out _);
            var answer = await response.Content.ReadFromJsonAsync<AnnounceAnswer>(timeout.Token).ConfigureAwait(false);
            foreach (var known in answer?.Known ?? [])
            {
                if (!announcements.Any(a => a.Instance == known.Instance))
                {
                    registry.Apply(known);
                }
            }

            if (_unreachable.TryRemove(peer, out _))
            {
                LogReached(logger, peer);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (_unreachable.TryAdd(peer, true))
            {
                LogUnreachable(logger, peer, ex.Message);
            }
        }
    }

    /// <summary>The answer of <c>POST /_micron/announce</c>.</summary>
    /// <param name="Accepted">How many announcements were taken in.</param>
    /// <param name="Rejected">The others, each with why.</param>
    /// <param name="Known">Every live instance the answering host knows, its own included.</param>
    internal sealed record AnnounceAnswer(int Accepted, IReadOnlyList<Rejection> Rejected, IReadOnlyList<Announcement> Known);

    /// <summary>An announcement that was not taken in.</summary>
    /// <param name="Instance">Its instance id.</param>
    /// <param name="Reason">Why.</param>
    internal sealed record Rejection(string? Instance, string Reason);

    [LoggerMessage(EventId = 54, Level = LogLevel.Warning, Message = "Peer {Peer} cannot be reached ({Reason}); trying again every heartbeat")]
    private static partial void LogUnreachable(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = 55, Level = LogLevel.Information, Message = "Peer {Peer} reached")]
    private static partial void LogReached(ILogger logger, string peer);

    [LoggerMessage(EventId = 65, Level = LogLevel.Warning, Message = "A peer refused this host: {Refusal}; trying again every heartbeat")]
    private static partial void LogRefused(ILogger logger, string refusal);
}
