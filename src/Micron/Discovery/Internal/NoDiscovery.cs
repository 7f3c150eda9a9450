namespace Micron.Discovery.Internal;

/// <summary><c>--discovery none</c>: every service runs here, or is unreachable.</summary>
internal sealed class NoDiscovery : IDiscoveryProvider
{
    public string Name => "none";

    public Task ListenAsync(TimeSpan pause, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AnnounceAsync(IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken) => Task.CompletedTask;
}
