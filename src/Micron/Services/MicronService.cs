using System.Reflection;

namespace Micron.Services;

/// <summary>
/// The base of every Micron service: a named, versioned unit with an HTTP surface, contracts it implements, and
/// an initialization hook. Written once, it runs in-process or as its own microservice.
/// </summary>
public abstract class MicronService
{
    /// <summary>Creates a service.</summary>
    /// <param name="name">
    /// The service's name: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, starting with a letter (for example <c>account</c>).
    /// </param>
    /// <param name="version">The service's version; the assembly's informational version when omitted.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid service name.</exception>
    protected MicronService(string name, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid service name: use letters, digits, '-', '_' and '.', starting with a letter.", nameof(name));
        }

        Name = name;
        Version = string.IsNullOrWhiteSpace(version) ? VersionOf(GetType().Assembly) : version;
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

    /// <summary>Maps the service's HTTP surface in the minimal-API style.</summary>
    /// <param name="routes">The service's routes.</param>
    protected virtual void Map(IServiceRoutes routes)
    {
    }

    internal void MapRoutes(IServiceRoutes routes) => Map(routes);

    internal static bool IsValidName(string name)
    {
        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? informational : informational[..plus];
        }

        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
