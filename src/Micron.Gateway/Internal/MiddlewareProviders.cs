using System.Collections.Concurrent;
using Micron.Gateway.Middleware;

namespace Micron.Gateway.Internal;

/// <summary>The middleware the local services provide, by name.</summary>
internal sealed class MiddlewareProviders
{
    private readonly ConcurrentDictionary<string, (string Service, MiddlewareHandler Handler)> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="InvalidOperationException">Another local service provides a middleware of that name.</exception>
    public void Add(string service, string name, MiddlewareHandler handler)
    {
        if (!_byName.TryAdd(name, (service, handler)))
        {
            throw new InvalidOperationException($"middleware '{name}' is already provided by service '{_byName[name].Service}'");
        }
    }

    public MiddlewareHandler? Find(string name) => _byName.TryGetValue(name, out var provider) ? provider.Handler : null;
}
