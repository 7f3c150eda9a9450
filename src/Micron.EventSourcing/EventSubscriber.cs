using Micron.EventSourcing.Internal;
using Micron.Services.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Micron.EventSourcing;

/// <summary>
/// Handles the events of an event-sourced service, in order, from a durable checkpoint: it catches up on what it
/// missed while down, then follows live. The source runs here (read from the store) or in another process (read
/// from its signed feed, <c>GET /_micron/events/{service}</c>).
/// </summary>
/// <remarks>
/// The checkpoint advances after each handled event, so every advance stands for exactly one handling; a crash
/// between the two hands that event over again (at-least-once), so handlers are idempotent by <see cref="RecordedEvent.Position"/>.
/// Checkpoints live in this host's event store.
/// </remarks>
public abstract partial class EventSubscriber : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private long _checkpoint;

    /// <summary>Creates the subscriber.</summary>
    /// <param name="name">The checkpoint's name: unique per subscriber, stable across restarts.</param>
    /// <param name="source">The event-sourced service whose events it handles.</param>
    /// <param name="services">The host's services.</param>
    protected EventSubscriber(string name, string source, IServiceProvider services)
        : this(name, source, services, owner: null)
    {
    }

    /// <summary>Creates a subscriber that belongs to a service: it runs only on the hosts that run that service.</summary>
    /// <param name="name">The checkpoint's name: unique per subscriber, stable across restarts.</param>
    /// <param name="source">The event-sourced service whose events it handles.</param>
    /// <param name="services">The host's services.</param>
    /// <param name="owner">
    /// The service the subscriber belongs to, for example the one that serves what it builds; <see langword="null"/>
    /// runs it on every host it is registered on.
    /// </param>
    protected EventSubscriber(string name, string source, IServiceProvider services, string? owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(services);
        Name = name;
        Source = source;
        Owner = owner;
        _services = services;
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(GetType());
    }

    /// <summary>Gets the checkpoint's name.</summary>
    public string Name { get; }

    /// <summary>Gets the service whose events are handled.</summary>
    public string Source { get; }

    /// <summary>Gets the service the subscriber belongs to, or <see langword="null"/> when it runs on every host.</summary>
    public string? Owner { get; }

    /// <summary>Gets whether the subscriber runs on this host: it has no owner, or its owner is placed here.</summary>
    public bool IsActive => Owner is null || _services.GetService<LocalServices>()?.Find(Owner) is not null;

    /// <summary>Gets the position of the last event handled.</summary>
    public long Checkpoint => Volatile.Read(ref _checkpoint);

    /// <summary>Handles one event. An exception is logged and the same event is handed over again after a pause.</summary>
    /// <param name="e">The event.</param>
    /// <param name="cancellationToken">Signals that the host is stopping.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    protected abstract Task HandleAsync(RecordedEvent e, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsActive)
        {
            LogNotPlaced(_logger, Name, Owner!);
            return;
        }

        var store = _services.GetRequiredService<IEventStore>();
        var time = _services.GetService<TimeProvider>() ?? TimeProvider.System;
        var feed = new SubscriptionFeed(_services, store, Source);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Volatile.Write(ref _checkpoint, await store.LoadCheckpointAsync(Name, stoppingToken).ConfigureAwait(false));
                while (!stoppingToken.IsCancellationRequested)
                {
                    var events = await feed.ReadAsync(Checkpoint, stoppingToken).ConfigureAwait(false);
                    foreach (var e in events)
                    {
                        if (e.Position <= Checkpoint)
                        {
                            continue;
                        }

                        await HandleAsync(e, stoppingToken).ConfigureAwait(false);
                        await store.SaveCheckpointAsync(Name, e.Position, stoppingToken).ConfigureAwait(false);
                        Volatile.Write(ref _checkpoint, e.Position);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(_logger, Name, Source, Checkpoint, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscriber {Subscriber} belongs to {Owner}, which does not run on this host; it stays idle")]
    private static partial void LogNotPlaced(ILogger logger, string subscriber, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscriber {Subscriber} of {Source} failed after position {Checkpoint}; retrying")]
    private static partial void LogFailed(ILogger logger, string subscriber, string source, long checkpoint, Exception exception);
}
