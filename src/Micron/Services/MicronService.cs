using Micron.Services.Internal;

namespace Micron.Services;

/// <summary>
/// The base of every Micron service: a named, versioned unit with an HTTP surface, contracts it implements, and
/// an initialization hook. Written once, it runs in-process or as its own microservice.
/// </summary>
/// <remarks>
/// The name comes from <see cref="MicronServiceAttribute"/> or, without it, from the class name
/// (<c>AccountService</c> is <c>account</c>).
/// </remarks>
public abstract class MicronService
{
    /// <summary>Creates a service named by its <see cref="MicronServiceAttribute"/> or its class name.</summary>
    /// <exception cref="ArgumentException">The name is not a valid service name.</exception>
    protected MicronService()
    {
        var identity = ServiceIdentity.Of(GetType());
        Name = identity.Name;
        Version = identity.Version;
    }

    /// <summary>Gets the service's name, unique within an application.</summary>
    public string Name { get; }

    /// <summary>Gets the service's version.</summary>
    public string Version { get; }

    /// <summary>
    /// Runs once before the host accepts traffic, after the services this one depends on (through its constructor)
    /// have initialized. An exception stops the start with an error naming this service.
    /// </summary>
    /// <param name="cancellationToken">Signals that the start was abandoned.</param>
    /// <returns>A task that completes when the service is ready.</returns>
    public virtual Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override string ToString() => $"{Name}@{Version}";

    internal void MapRoutes(IServiceRoutes routes) => Map(routes);

    /// <summary>Maps the service's HTTP surface in the minimal-API style.</summary>
    /// <param name="routes">The service's routes.</param>
    protected virtual void Map(IServiceRoutes routes)
    {
    }
}
