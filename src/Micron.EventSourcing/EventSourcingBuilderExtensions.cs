using Micron;
using Micron.EventSourcing;
using Micron.EventSourcing.InMemory;
using Micron.EventSourcing.Internal;
using Micron.EventSourcing.Sqlite;
using Micron.Hosting;
using Micron.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds event sourcing and its stores to a Micron application.</summary>
public static class EventSourcingBuilderExtensions
{
    /// <summary>
    /// Adds event sourcing: the <c>Micron:EventStore</c> options and the store they name (<c>sqlite</c> unless a
    /// store method or the configuration says otherwise).
    /// </summary>
    /// <param name="builder">The Micron builder.</param>
    /// <param name="configure">Sets options in code; configuration binds first.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddEventSourcing(this IMicronBuilder builder, Action<EventStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(EventSourcingContext)))
        {
            return builder;
        }

        OptionsBindingCheck.BindConfiguration<EventStoreOptions>(services, EventStoreOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new EventStoreProvider("sqlite", CreateSqlite));
        services.AddSingleton(new EventStoreProvider("inmemory", CreateInMemory));
        services.TryAddSingleton<IEventStore>(sp =>
        {
            var name = sp.GetRequiredService<IOptions<EventStoreOptions>>().Value.Provider;
            var provider = sp.GetServices<EventStoreProvider>().LastOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new MicronStartupException($"event store '{name}' is not known: use sqlite, inmemory or postgresql (with Micron.EventSourcing.PostgreSql added)");
            return provider.Create(sp);
        });
        services.TryAddSingleton<EventSourcingContext>();
        return builder;
    }

    /// <summary>Adds event sourcing over the embedded SQLite store: <c>events.db</c> in the host's <c>--data-dir</c>.</summary>
    /// <param name="builder">The Micron builder.</param>
    /// <param name="configure">Sets options in code.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddSqliteEventStore(this IMicronBuilder builder, Action<EventStoreOptions>? configure = null)
        => builder.AddEventSourcing(configure).UseProvider("sqlite");

    /// <summary>Adds event sourcing over an in-memory store (tests; lost when the process stops).</summary>
    /// <param name="builder">The Micron builder.</param>
    /// <param name="configure">Sets options in code.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddInMemoryEventStore(this IMicronBuilder builder, Action<EventStoreOptions>? configure = null)
        => builder.AddEventSourcing(configure).UseProvider("inmemory");

    /// <summary>Registers a store provider and makes it the default (configuration may still pick another).</summary>
    /// <param name="builder">The Micron builder.</param>
    /// <param name="name">The provider's name, as <c>Micron:EventStore:Provider</c> names it.</param>
    /// <param name="create">Creates the store.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddEventStoreProvider(this IMicronBuilder builder, string name, Func<IServiceProvider, IEventStore> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEventSourcing();
        builder.Services.AddSingleton(new EventStoreProvider(name, create));
        return builder.UseProvider(name);
    }

    /// <summary>
    /// Adds a subscriber: it runs in the background from its durable checkpoint in this host's event store, catching up
    /// and then following its source service's events. It also resolves as itself.
    /// </summary>
    /// <typeparam name="TSubscriber">The subscriber.</typeparam>
    /// <param name="builder">The Micron builder.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddEventSubscriber<TSubscriber>(this IMicronBuilder builder)
        where TSubscriber : EventSubscriber
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEventSourcing();
        builder.Services.TryAddSingleton<TSubscriber>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<TSubscriber>());
        return builder;
    }

    private static IMicronBuilder UseProvider(this IMicronBuilder builder, string name)
    {
        // Code picks the default; a Provider in configuration wins, since it binds after this runs.
        builder.Services.AddOptions<EventStoreOptions>().Configure<Configuration.IConfiguration>((options, configuration) =>
        {
            if (configuration[EventStoreOptions.SectionName + ":Provider"] is not { Length: > 0 } configured)
            {
                options.Provider = name;
            }
            else
            {
                options.Provider = configured;
            }
        });
        return builder;
    }

    private static IEventStore CreateSqlite(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EventStoreOptions>>().Value;
        var dataDir = services.GetService<IOptions<MicronOptions>>()?.Value.DataDir ?? "./data";
        return new SqliteEventStore(Path.Combine(dataDir, options.SqliteFile), options, services.GetRequiredService<TimeProvider>());
    }

    private static IEventStore CreateInMemory(IServiceProvider services)
        => new InMemoryEventStore(services.GetRequiredService<IOptions<EventStoreOptions>>().Value, services.GetRequiredService<TimeProvider>());
}
