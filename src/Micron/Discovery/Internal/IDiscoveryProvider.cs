namespace Micron.Discovery.Internal;

/// <summary>How a host publishes its instances and hears of others (<c>--discovery NAME</c>).</summary>
internal interface IDiscoveryProvider
{
    /// <summary>Gets the provider's name, as <c>--discovery</c> selects it.</summary>
    string Name { get; }

    /// <summary>Hears of other instances once; called every heartbeat.</summary>
    Task ListenAsync(CancellationToken cancellationToken);

    /// <summary>Publishes this host's instances (or their <c>leave</c>); called at start, every heartbeat and at stop.</summary>
    Task AnnounceAsync(IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken);
}
