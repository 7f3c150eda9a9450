using System.Diagnostics;
using System.Text;
using Micron.EventSourcing;
using Micron.EventSourcing.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Micron.Benchmarks.Runner;

/// <summary>
/// Row 6's measurements on one database: appends through the store against plain single-row INSERTs on the same
/// database, and a model rebuilt from the store's events against a bare reader loop over the same rows.
/// </summary>
internal abstract class EventStoreBench : IAsyncDisposable
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"account":"a-000","amount":17,"note":"a small event of about eighty bytes"}""");

    public abstract string Name { get; }

    public abstract IEventStore Store { get; }

    public static EventData NewEvent() => new(Guid.NewGuid(), "Deposited.v1", Payload);

    /// <summary>One plain INSERT of a row like an event, committed on its own (the baseline of one append).</summary>
    public abstract Task<Func<Task>> PlainInserterAsync();

    /// <summary>Reads every event row with a bare reader, touching each row's data; returns the rows read.</summary>
    public abstract Task<long> PlainReadAllAsync();

    public abstract ValueTask DisposeAsync();

    public async Task<double> AppendP50MicrosecondsAsync(int count)
    {
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Store.AppendAsync("p50-" + Guid.NewGuid().ToString("N"), ExpectedVersion.NoStream, [NewEvent()]);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        Array.Sort(times);
        return times[count / 2];
    }

    public async Task<double> PlainP50MicrosecondsAsync(int count)
    {
        var insert = await PlainInserterAsync();
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await insert();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        Array.Sort(times);
        return times[count / 2];
    }

    public Task<double> AppendsPerSecondAsync(int writers, TimeSpan duration)
        => RateAsync(writers, duration, w =>
        {
            var stream = $"w{w}-{Guid.NewGuid():N}";
            var version = ExpectedVersion.NoStream;
            return Task.FromResult<Func<Task>>(async () => version = (await Store.AppendAsync(stream, version, [NewEvent()])).StreamVersion);
        });

    public Task<double> PlainInsertsPerSecondAsync(int writers, TimeSpan duration)
        => RateAsync(writers, duration, _ => PlainInserterAsync());

    /// <summary>Appends <paramref name="count"/> events in appends of 1,000 (a bulk load, not measured).</summary>
    public async Task LoadAsync(long count)
    {
        var batch = new EventData[1000];
        for (long done = 0; done < count; done += batch.Length)
        {
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = NewEvent();
            }

            await Store.AppendAsync($"load-{done / 100_000}", ExpectedVersion.Any, batch);
        }
    }

    /// <summary>Rebuilds a model (a sum of amounts per account) from every event, as a service does at start.</summary>
    public async Task<(long Events, TimeSpan Elapsed)> RebuildAsync()
    {
        var reducers = new Dictionary<string, Reducer<Totals>>(StringComparer.Ordinal)
        {
            ["Deposited.v1"] = new(typeof(Deposited), static (model, e, _) => model.Add((Deposited)e)),
        };
        var host = new ModelHost<Totals>("bench", Store, new EventStoreOptions { SnapshotEvery = 0 }, reducers, NullLogger.Instance);
        var started = Stopwatch.GetTimestamp();
        var (_, replayed) = await host.RebuildAsync(new Totals(0, 0), CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (host.State.Model.Count != replayed)
        {
            throw new InvalidOperationException($"the rebuilt model counted {host.State.Model.Count} of {replayed} events");
        }

        return (replayed, elapsed);
    }

    private static async Task<double> RateAsync(int writers, TimeSpan duration, Func<int, Task<Func<Task>>> create)
    {
        var operations = new Func<Task>[writers];
        for (var w = 0; w < writers; w++)
        {
            operations[w] = await create(w);
        }

        long done = 0;
        var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(operations.Select(operation => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < stop)
            {
                await operation();
                Interlocked.Increment(ref done);
            }
        })));
        return done / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>The bench's event.</summary>
    internal sealed record Deposited(string Account, int Amount, string Note);

    /// <summary>The bench's model: immutable, as a service's model is.</summary>
    internal sealed record Totals(long Count, long Sum)
    {
        public Totals Add(Deposited e) => new(Count + 1, Sum + e.Amount);
    }
}
