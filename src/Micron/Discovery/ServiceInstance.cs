namespace Micron.Discovery;

/// <summary>A running copy of a service as this host knows it.</summary>
/// <param name="Announcement">What the instance last announced.</param>
/// <param name="BaseUri">The instance's base URL.</param>
/// <param name="LastSeen">When it was last heard from.</param>
/// <param name="IsLocal">Whether it runs in this host.</param>
public sealed record ServiceInstance(Announcement Announcement, Uri BaseUri, DateTimeOffset LastSeen, bool IsLocal)
{
    /// <summary>Gets the service's name.</summary>
    public string Service => Announcement.Service;

    /// <summary>Gets the instance id.</summary>
    public string Id => Announcement.Instance;
}
