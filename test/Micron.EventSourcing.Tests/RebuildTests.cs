using Micron.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Micron.EventSourcing.Tests;

public sealed class RebuildTests
{
    [Fact]
    public async Task Restart_RebuildsTheModelFromSnapshotAndTail_EqualToARebuildFromZero()
    {
        var dataDir = LedgerHost.NewDataDir();
        string expected;
        await using (var first = await LedgerHost.StartAsync(dataDir, "--Micron:EventStore:SnapshotEvery=10"))
        {
            for (var i = 0; i < 57; i++)
            {
                await first.Ledger.DepositAsync(new Deposit("a" + (i % 7), i + 1));
            }

            await Should.ThrowAsync<ReducerFailedException>(() => first.Ledger.PoisonAsync(new Poison("a1")));
            await first.Ledger.DepositAsync(new Deposit("a1", 1));
            expected = first.Ledger.Current.Describe();
            var snapshot = await first.Store.LoadSnapshotAsync("ledger:" + typeof(Ledger).FullName);
            snapshot.ShouldNotBeNull();
            snapshot.Position.ShouldBeGreaterThanOrEqualTo(50);
        }

        await using (var fromSnapshot = await LedgerHost.StartAsync(dataDir, "--Micron:EventStore:SnapshotEvery=10"))
        {
            fromSnapshot.Ledger.Current.Describe().ShouldBe(expected);
            fromSnapshot.Ledger.Position.ShouldBe(59);
            fromSnapshot.Host.Logs.Entries.ShouldContain(e => e.Message.Contains("rebuilt its model: snapshot at position 5", StringComparison.Ordinal));
        }

        await using var fromZero = await LedgerHost.StartAsync(dataDir, "--Micron:EventStore:SnapshotEvery=0");
        fromZero.Ledger.Current.Describe().ShouldBe(expected);
        fromZero.Host.Logs.Entries.ShouldContain(e => e.Message.Contains("snapshot at position 0, 59 positions replayed", StringComparison.Ordinal));
        (await fromZero.Ledger.DepositAsync(new Deposit("a1", 1))).ShouldBe(fromZero.Ledger.Current.Balances["a1"]);
    }

    [Fact]
    public async Task LockedDatabase_IsStoreUnavailable_ThenRecovers()
    {
        await using var host = await LedgerHost.StartAsync(null, "--Micron:EventStore:BusyTimeout=00:00:00.300");
        await host.Ledger.DepositAsync(new Deposit("ada", 1));

        // Another process (here, another connection) holds the database's write lock.
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(host.DataDir, "events.db")}"))
        {
            await other.OpenAsync();
            await using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            var error = await Should.ThrowAsync<StoreUnavailableException>(() => host.Ledger.DepositAsync(new Deposit("ada", 1)));
            error.StatusCode.ShouldBe(503);
            error.Code.ShouldBe("store_unavailable");

            var response = await host.Client.PostAsync("/ledger/commands/Deposit", new StringContent("""{"account":"ada","amount":1}""", System.Text.Encoding.UTF8, "application/json"));
            ((int)response.StatusCode).ShouldBe(503);
            (await Problem.ReadAsync(response)).Code.ShouldBe("store_unavailable");
        }

        SqliteConnection.ClearAllPools();
        (await host.Ledger.DepositAsync(new Deposit("ada", 1))).ShouldBe(2);
        host.Ledger.Current.Deposits.ShouldBe(2);
    }

    [SkippableFact]
    public async Task UnreachablePostgreSql_IsStoreUnavailable()
    {
        await using var store = new PostgreSql.PostgreSqlEventStore(
            "Host=127.0.0.1;Port=1;Username=micron;Password=micron;Database=micron;Timeout=2", null, new EventStoreOptions(), TimeProvider.System);

        var error = await Should.ThrowAsync<StoreUnavailableException>(() => store.AppendAsync("a", ExpectedVersion.NoStream, [new EventData(Guid.NewGuid(), "T.v1", "{}"u8.ToArray())]));

        error.Code.ShouldBe("store_unavailable");
        await Should.ThrowAsync<StoreUnavailableException>(() => store.ReadAllAsync(0, 10));
    }

    [Fact]
    public async Task UnwritableDataDir_StopsTheStartWithStoreUnavailable()
    {
        var file = Path.GetTempFileName();

        var error = await Should.ThrowAsync<Exception>(() => LedgerHost.StartAsync(file));

        error.ToString().ShouldContain("event store is unavailable");
    }
}
