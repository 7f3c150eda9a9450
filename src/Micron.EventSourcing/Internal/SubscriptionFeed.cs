using System.Net.Http.Json;
using System.Text.Json;
using Micron.Discovery;
using Micron.Rpc.Internal;
using Micron.Services.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.EventSourcing.Internal;

/// <summary>Where a subscriber reads: the local store for a service of this host, the source's feed otherwise.</summary>
internal sealed class SubscriptionFeed(IServiceProvider services, IEventStore store, string source)
{
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);
    private HashSet<string>? _types;
    private long _scanned;

    public async Task<IReadOnlyList<RecordedEvent>> ReadAsync(long after, CancellationToken cancellationToken)
    {
        var local = services.GetService<LocalServices>()?.Find(source)?.Instance as IEventSource;
        return local is not null
            ? await ReadLocalAsync(local, after, cancellationToken).ConfigureAwait(false)
            : await ReadRemoteAsync(after, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RecordedEvent>> ReadLocalAsync(IEventSource local, long after, CancellationToken cancellationToken)
    {
        _types ??= local.EventTypeNames.ToHashSet(StringComparer.Ordinal);
        var from = Math.Max(after, _scanned);
        await store.WaitForEventsAsync(from, LongPoll, cancellationToken).ConfigureAwait(false);
        var events = await store.ReadAllAsync(from, EventsFeed.MaxEvents, cancellationToken).ConfigureAwait(false);
        if (events.Count > 0)
        {
            _scanned = events[^1].Position;
        }

        return [.. events.Where(e => _types.Contains(e.EventType))];
    }

    private async Task<IReadOnlyList<RecordedEvent>> ReadRemoteAsync(long after, CancellationToken cancellationToken)
    {
        var registry = services.GetRequiredService<ServiceRegistry>();
        var instance = registry.Pick(source) ?? throw new InvalidOperationException($"no instance of service '{source}' is known yet");
        var from = Math.Max(after, _scanned);
        var url = new Uri(instance.BaseUri, $"{EventsFeed.PathPrefix}{source}?after={from}&wait={(int)LongPoll.TotalMilliseconds}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LongPoll + TimeSpan.FromSeconds(10));
        var http = services.GetRequiredService<MicronHttpClient>().Client;
        using var response = await http.GetAsync(url, timeout.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<FeedPage>(EventSourcingContext.Json, timeout.Token).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the events feed answered null");
        _scanned = page.Next;
        return [.. page.Events.Select(static e => new RecordedEvent(
            e.Position, e.Stream, e.Version, e.Id, e.Type, JsonSerializer.SerializeToUtf8Bytes(e.Data), e.Timestamp))];
    }

    private sealed record FeedPage(List<FeedEvent> Events, long Next, long Head);

    private sealed record FeedEvent(long Position, string Stream, long Version, Guid Id, string Type, JsonElement Data, DateTimeOffset Timestamp);
}
