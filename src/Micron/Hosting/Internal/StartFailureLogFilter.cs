using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Hosting.Internal;

/// <summary>
/// Leaves out the generic host's "Hosting failed to start" entry and its stack trace: Micron reports a failed start
/// itself, in one line (<see cref="MicronApplication.RunAsync"/>). Every other entry passes unchanged.
/// </summary>
internal sealed class StartFailureLogFilter(ILoggerFactory inner) : ILoggerFactory
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private const int HostedServiceStartupFaulted = 11;
    private static readonly object OriginalKey = new();

    /// <summary>Wraps the logger factory the services hold, whichever it is.</summary>
    public static void Install(IServiceCollection services)
    {
        var original = services.LastOrDefault(static d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
        if (original is null || original.Lifetime != ServiceLifetime.Singleton)
        {
            return;
        }

        // The original stays a service of the container, under a key, so it is built and disposed as it would have been.
        services.Add(original.ImplementationInstance is { } instance ? new ServiceDescriptor(typeof(ILoggerFactory), OriginalKey, instance)
            : original.ImplementationFactory is { } factory ? new ServiceDescriptor(typeof(ILoggerFactory), OriginalKey, (sp, _) => factory(sp), ServiceLifetime.Singleton)
            : new ServiceDescriptor(typeof(ILoggerFactory), OriginalKey, original.ImplementationType!, ServiceLifetime.Singleton));
        services.Remove(original);
        services.AddSingleton<ILoggerFactory>(static sp => new StartFailureLogFilter(sp.GetRequiredKeyedService<ILoggerFactory>(OriginalKey)));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == HostCategory ? new HostLogger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The container disposes the original.
    public void Dispose()
    {
    }

    private sealed class HostLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != HostedServiceStartupFaulted)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
