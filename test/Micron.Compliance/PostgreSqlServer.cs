using Npgsql;

namespace Micron.Compliance;

/// <summary>
/// The PostgreSQL that <c>scripts/services.sh up</c> starts (or <c>MICRON_POSTGRES</c>). When it cannot be reached a
/// test is skipped, unless <c>MICRON_REQUIRE_SERVERS=1</c> (CI), where it fails.
/// </summary>
public static class PostgreSqlServer
{
    private static readonly Lazy<Task<string?>> Unreachable = new(ProbeAsync);

    public static string ConnectionString { get; } =
        Microsoft.Extensions.DependencyInjection.PostgreSqlEventStoreExtensions.ConnectionStringFromEnvironment();

    public static bool Required => Environment.GetEnvironmentVariable("MICRON_REQUIRE_SERVERS") == "1";

    /// <summary>Skips the test (or fails it, when servers are required) if PostgreSQL cannot be reached.</summary>
    public static async Task RequireAsync()
    {
        if (await Unreachable.Value is { } reason)
        {
            if (Required)
            {
                throw new InvalidOperationException($"PostgreSQL is required (MICRON_REQUIRE_SERVERS=1) but unreachable: {reason}. Run scripts/services.sh up.");
            }

            Skip.If(true, $"PostgreSQL unreachable ({reason}); run scripts/services.sh up");
        }
    }

    /// <summary>A fresh schema name, so each test has an empty store.</summary>
    public static string NewSchema() => "test_" + Guid.NewGuid().ToString("N");

    /// <summary>Drops a test's schema, when the server is there.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        if (await Unreachable.Value is not null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return ex.Message;
        }
    }
}
