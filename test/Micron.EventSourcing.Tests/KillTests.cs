using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Micron.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Micron.EventSourcing.Tests;

/// <summary>A real Shop process killed with SIGKILL in the middle of a stream of appends.</summary>
public sealed class KillTests
{
    [Fact]
    public async Task Kill9_DuringAppends_EveryAcknowledgedEventSurvives_NoneTornOrDuplicated()
    {
        var dataDir = LedgerHost.NewDataDir();
        string[] args = ["--listen", "tcp://127.0.0.1:0", "--data-dir", dataDir, "--discovery", "none"];
        var acknowledged = new ConcurrentDictionary<long, string>();
        await using (var shop = HostProcess.Start("Shop", args))
        {
            using var client = new HttpClient { BaseAddress = await shop.WaitForListeningAsync() };
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var response = await client.PostAsJsonAsync("/orders", new { userId = 1, product = $"p{w}-{i}", quantity = 1 + (i % 100) });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var body = await response.Content.ReadAsStringAsync();
                            acknowledged[JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64()] = body;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process is gone
                    }
                }
            })).ToList();

            await Eventually.TrueAsync(() => acknowledged.Count >= 300, "orders acknowledged before the kill", TimeSpan.FromSeconds(60));
            shop.Signal("KILL");
            await shop.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        // Straight from the file: positions 1..N, each event whole and once.
        using (var db = new SqliteConnection($"Data Source={Path.Combine(dataDir, "events.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT position, stream_id, stream_version, event_id, data FROM micron_events ORDER BY position";
            await using var reader = await command.ExecuteReaderAsync();
            var position = 0L;
            var ids = new HashSet<Guid>();
            while (await reader.ReadAsync())
            {
                reader.GetInt64(0).ShouldBe(++position);
                reader.GetString(1).ShouldBe($"order-{position}");
                reader.GetInt64(2).ShouldBe(0);
                ids.Add(new Guid((byte[])reader.GetValue(3))).ShouldBeTrue();
                JsonDocument.Parse((byte[])reader.GetValue(4)).RootElement.GetProperty("orderId").GetInt64().ShouldBe(position);
            }

            position.ShouldBeGreaterThanOrEqualTo(acknowledged.Keys.Max());
        }

        await using var restarted = HostProcess.Start("Shop", args);
        using var after = new HttpClient { BaseAddress = await restarted.WaitForListeningAsync() };
        foreach (var (id, body) in acknowledged)
        {
            (await after.GetStringAsync($"/orders/{id}")).ShouldBe(body);
        }

        var all = JsonDocument.Parse(await after.GetStringAsync("/users/1/orders")).RootElement.EnumerateArray().Select(o => o.GetProperty("id").GetInt64()).ToList();
        all.ShouldBe(Enumerable.Range(1, all.Count).Select(i => (long)i));
        var next = await after.PostAsJsonAsync("/orders", new { userId = 1, product = "after", quantity = 1 });
        next.StatusCode.ShouldBe(HttpStatusCode.Created);
        JsonDocument.Parse(await next.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64().ShouldBe(all.Count + 1);
    }
}
