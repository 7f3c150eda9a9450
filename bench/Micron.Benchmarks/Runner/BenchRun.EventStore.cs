using System.Diagnostics;
using System.Globalization;

namespace Micron.Benchmarks.Runner;

/// <summary>Row 6: the event stores, each against plain INSERT loops and a bare reader on the same database.</summary>
internal sealed partial class BenchRun
{
    private async Task EventStoreRowsAsync()
    {
        Log("row 6: event stores (in this process, on every core: the embedded store is the server here)");
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            await EventStoreRowsCoreAsync();
            return;
        }

        using var self = Process.GetCurrentProcess();
        var pinned = self.ProcessorAffinity;
        self.ProcessorAffinity = (nint)((1L << Environment.ProcessorCount) - 1);
        try
        {
            await EventStoreRowsCoreAsync();
        }
        finally
        {
            self.ProcessorAffinity = pinned;
        }
    }

    private async Task EventStoreRowsCoreAsync()
    {
        await EventStoreRowsAsync(() => new SqliteStoreBench());
        var postgres = Environment.GetEnvironmentVariable("MICRON_POSTGRES") is { Length: > 0 } configured
            ? configured
            : Microsoft.Extensions.DependencyInjection.PostgreSqlEventStoreExtensions.DefaultConnectionString;
        if (await PostgreSqlReachableAsync(postgres) is { } reason)
        {
            _rows.Add(Row("6", "PostgreSQL event store", $"not measured: PostgreSQL unreachable ({reason}); run scripts/services.sh up", "-", "-", "-"));
            return;
        }

        await EventStoreRowsAsync(() => new PostgreSqlStoreBench(postgres));
    }

    private async Task EventStoreRowsAsync(Func<EventStoreBench> create)
    {
        var samples = quick ? 200 : 2000;
        var duration = quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        var rebuildEvents = quick ? 50_000L : 1_000_000L;
        await using var bench = create();
        var name = bench.Name;
        Log($"  {name}: single append p50");
        await bench.AppendP50MicrosecondsAsync(samples / 4);
        var append = await MedianOfRunsAsync(() => bench.AppendP50MicrosecondsAsync(samples));
        var plain = await MedianOfRunsAsync(() => bench.PlainP50MicrosecondsAsync(samples));
        _rows.Add(Row("6", $"{name}: one append, p50 µs (lower is better)", $"append: {append:N0} µs", $"plain INSERT: {plain:N0} µs", Ratio(append, plain), "-"));

        foreach (var writers in new[] { 1, 16 })
        {
            Log($"  {name}: appends/s with {writers} writer(s)");
            var appends = await MedianOfRunsAsync(() => bench.AppendsPerSecondAsync(writers, duration));
            var inserts = await MedianOfRunsAsync(() => bench.PlainInsertsPerSecondAsync(writers, duration));
            _rows.Add(Row("6", $"{name}: events/s, {writers} concurrent writer{(writers == 1 ? string.Empty : "s")} (one event per append; higher is better)",
                $"appends (group commit): {appends:N0}/s", $"plain INSERT loop: {inserts:N0}/s", Ratio(appends, inserts), "-"));
        }

        Log($"  {name}: loading {rebuildEvents:N0} events, then rebuilding a model from them");
        await bench.LoadAsync(rebuildEvents);
        var (events, elapsed) = await bench.RebuildAsync();
        var read = Stopwatch.StartNew();
        var rows = await bench.PlainReadAllAsync();
        var readRate = rows / read.Elapsed.TotalSeconds;
        var rebuildRate = events / elapsed.TotalSeconds;
        _rows.Add(Row("6", $"{name}: rebuild a model from {events:N0} events, events/s (higher is better)",
            $"rebuild: {rebuildRate:N0}/s ({elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)", $"bare reader over the rows: {readRate:N0}/s", Ratio(rebuildRate, readRate), "-"));
        Log($"  {name}: append p50 {append:N0} µs (plain {plain:N0}); rebuild {rebuildRate:N0} events/s");
    }

    private static async Task<double> MedianOfRunsAsync(Func<Task<double>> run)
    {
        var values = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            values[i] = await run();
        }

        Array.Sort(values);
        return values[Runs / 2];
    }

    private static async Task<string?> PostgreSqlReachableAsync(string connectionString)
    {
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 }.ConnectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return ex.Message;
        }
    }
}
