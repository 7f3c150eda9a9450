using Micron.Hosting;
using Microsoft.Extensions.Options;

namespace Micron.Services.Internal;

/// <summary>Which registered services run in this host (<c>--services</c>); every other one is reached remotely.</summary>
internal sealed class ServicePlacement
{
    private readonly HashSet<string>? _local;

    /// <exception cref="MicronStartupException"><c>--services</c> names a service that is not registered.</exception>
    public ServicePlacement(IOptions<MicronOptions> options, ServiceCatalog catalog)
    {
        var text = options.Value.Services?.Trim();
        if (string.IsNullOrEmpty(text) || string.Equals(text, "all", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        _local = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (options.Value.RunsNoService)
        {
            return;
        }

        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (catalog.Find(name) is null)
            {
                var known = string.Join(", ", catalog.Registrations.Select(static r => r.Name));
                throw new MicronStartupException($"--services: no service named '{name}' is registered (registered: {(known.Length > 0 ? known : "none")})");
            }

            _local.Add(name);
        }
    }

    public bool IsLocal(string service) => _local is null || _local.Contains(service);
}
