namespace Micron.Discovery.Internal;

/// <summary>How a host publishes its instances and hears of others (<c>--discovery NAME</c>).</summary>
internal interface IDiscoveryProvider
{
    /// <summary>Gets the provider's name, as <c>--discovery</c> selects it.</summary>
    string Name { get; }

    /// <summary>
    /// Gets why a peer refuses this host while one does (<c>401 from http://10.0.0.5:3000: wrong secret</c>), a mistake
    /// no waiting mends; <see langword="null"/> when none does, or the provider cannot tell.
    /// </summary>
    string? Refusal => null;

    /// <summary>Hears of other instances once; called every heartbeat.</summary>
    /// <param name="pause">
    /// How long this host was itself paused before this heartbeat (a long garbage collection, a starved thread pool, a
    /// suspended machine): time in which it could hear nothing, which is not its peers' silence.
    /// </param>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A task that completes once the provider has heard what there was to hear.</returns>
    Task ListenAsync(TimeSpan pause, CancellationToken cancellationToken);

    /// <summary>Publishes this host's instances (or their <c>leave</c>); called at start, every heartbeat and at stop.</summary>
    Task AnnounceAsync(IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken);
}
