using Micron;
using Micron.EventSourcing;
using Micron.EventSourcing.PostgreSql;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL event store.</summary>
public static class PostgreSqlEventStoreExtensions
{
    /// <summary>The connection string used when none is configured: the one <c>scripts/services.sh</c> starts.</summary>
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Username=micron;Password=micron;Database=micron";

    /// <summary>
    /// Adds event sourcing over PostgreSQL. The connection string comes from <paramref name="connectionString"/>, else
    /// <c>Micron:EventStore:ConnectionString</c>, else <c>MICRON_POSTGRES</c>, else <see cref="DefaultConnectionString"/>.
    /// </summary>
    /// <param name="builder">The Micron builder.</param>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="schema">The schema the tables live in; by default the connection's search path.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddPostgreSqlEventStore(this IMicronBuilder builder, string? connectionString = null, string? schema = null)
        => builder.AddEventStoreProvider("postgresql", services =>
        {
            var options = services.GetRequiredService<IOptions<EventStoreOptions>>().Value;
            return new PostgreSqlEventStore(
                connectionString ?? options.ConnectionString ?? ConnectionStringFromEnvironment(),
                schema,
                options,
                services.GetService<TimeProvider>() ?? TimeProvider.System);
        });

    /// <summary>Gets <c>MICRON_POSTGRES</c>, or <see cref="DefaultConnectionString"/>.</summary>
    /// <returns>The connection string.</returns>
    public static string ConnectionStringFromEnvironment()
        => Environment.GetEnvironmentVariable("MICRON_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;
}
