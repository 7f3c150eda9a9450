using System.Text;
using Micron.EventSourcing;

namespace Micron.Compliance;

/// <summary>
/// What every <see cref="IEventStore"/> must do, written once and run against each store by a one-line subclass.
/// Each test gets an empty store of its own.
/// </summary>
public abstract class EventStoreCompliance : IAsyncLifetime
{
    private IEventStore? _store;
    private Exception? _skipped;

    // A store whose server is unreachable skips each test from its body, where SkippableFact sees it.
    protected IEventStore Store => _store ?? throw _skipped!;

    public async Task InitializeAsync()
    {
        try
        {
            _store = await CreateStoreAsync();
        }
        catch (SkipException ex)
        {
            _skipped = ex;
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>Creates an empty store, or, with <paramref name="reopen"/>, a new instance over the same database.</summary>
    protected abstract Task<IEventStore> CreateStoreAsync(bool reopen = false);

    /// <summary>Whether the store keeps its events when a new instance opens the same database.</summary>
    protected virtual bool Durable => true;

    public static EventData Event(string type = "Thing.v1", string json = """{"n":1}""", Guid? id = null)
        => new(id ?? Guid.NewGuid(), type, Encoding.UTF8.GetBytes(json));

    [SkippableFact]
    public async Task Append_NewStream_VersionsFromZeroPositionsFromOne()
    {
        var result = await Store.AppendAsync("a", ExpectedVersion.NoStream, [Event(), Event(), Event()]);

        result.ShouldBe(new AppendResult(2, 1, 3));
        var events = await Store.ReadStreamAsync("a", 0, 10);
        events.Select(e => (e.StreamVersion, e.Position)).ShouldBe([(0L, 1L), (1L, 2L), (2L, 3L)]);
        Encoding.UTF8.GetString(events[0].Data.Span).ShouldBe("""{"n":1}""");
        events[0].EventType.ShouldBe("Thing.v1");
    }

    [SkippableFact]
    public async Task Append_ExpectedVersionMatches_Appends()
    {
        await Store.AppendAsync("a", ExpectedVersion.NoStream, [Event()]);

        (await Store.AppendAsync("a", 0, [Event()])).ShouldBe(new AppendResult(1, 2, 2));
    }

    [SkippableTheory]
    [InlineData(ExpectedVersion.NoStream)]
    [InlineData(1L)]
    [InlineData(5L)]
    public async Task Append_WrongExpectedVersion_IsAConflict_AndStoresNothing(long expected)
    {
        await Store.AppendAsync("a", ExpectedVersion.NoStream, [Event()]);

        var error = await Should.ThrowAsync<ConcurrencyException>(() => Store.AppendAsync("a", expected, [Event()]));

        error.StatusCode.ShouldBe(409);
        error.Code.ShouldBe(EventSourcingErrorCodes.ConcurrencyConflict);
        (await Store.ReadHeadPositionAsync()).ShouldBe(1);
    }

    [SkippableFact]
    public async Task Append_ExpectedVersionOnMissingStream_IsAConflict()
    {
        var store = Store;

        await Should.ThrowAsync<ConcurrencyException>(() => store.AppendAsync("missing", 0, [Event()]));
    }

    [SkippableFact]
    public async Task Append_Any_AppendsWhateverTheVersion()
    {
        await Store.AppendAsync("a", ExpectedVersion.Any, [Event()]);

        (await Store.AppendAsync("a", ExpectedVersion.Any, [Event()])).StreamVersion.ShouldBe(1);
    }

    [SkippableFact]
    public async Task Append_RetryWithTheSameIds_ReturnsTheOriginalResult_AndStoresNothingMore()
    {
        EventData[] events = [Event(), Event()];
        var first = await Store.AppendAsync("a", ExpectedVersion.NoStream, events);
        await Store.AppendAsync("b", ExpectedVersion.NoStream, [Event()]);

        var retry = await Store.AppendAsync("a", ExpectedVersion.NoStream, events);

        retry.ShouldBe(first);
        (await Store.ReadHeadPositionAsync()).ShouldBe(3);
    }

    [SkippableFact]
    public async Task Append_AnIdStoredByAnotherAppend_IsADuplicate_AndStoresNothing()
    {
        var stored = Event();
        await Store.AppendAsync("a", ExpectedVersion.NoStream, [stored]);

        var error = await Should.ThrowAsync<DuplicateEventException>(() => Store.AppendAsync("b", ExpectedVersion.NoStream, [Event(), stored]));

        error.StatusCode.ShouldBe(409);
        error.Code.ShouldBe(EventSourcingErrorCodes.DuplicateEvent);
        (await Store.ReadHeadPositionAsync()).ShouldBe(1);
        (await Store.ReadStreamAsync("b", 0, 10)).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Append_TheSameIdTwiceInOneAppend_IsADuplicate()
    {
        var id = Guid.NewGuid();
        var store = Store;

        await Should.ThrowAsync<DuplicateEventException>(() => store.AppendAsync("a", ExpectedVersion.NoStream, [Event(id: id), Event(id: id)]));
        (await Store.ReadHeadPositionAsync()).ShouldBe(0);
    }

    [SkippableFact]
    public async Task ReadStream_ForwardAndBackward_FromAVersion_AtMostMax()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.AppendAsync("a", i - 1, [Event(json: $$"""{"n":{{i}}}""")]);
            await Store.AppendAsync("other-" + i, ExpectedVersion.NoStream, [Event()]);
        }

        (await Store.ReadStreamAsync("a", 1, 3)).Select(e => e.StreamVersion).ShouldBe([1L, 2L, 3L]);
        (await Store.ReadStreamAsync("a", -1, 2, ReadDirection.Backward)).Select(e => e.StreamVersion).ShouldBe([4L, 3L]);
        (await Store.ReadStreamAsync("a", 2, 10, ReadDirection.Backward)).Select(e => e.StreamVersion).ShouldBe([2L, 1L, 0L]);
        (await Store.ReadStreamAsync("missing", 0, 10)).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task ReadAll_AfterAPosition_InGlobalOrder()
    {
        await Store.AppendAsync("a", ExpectedVersion.NoStream, [Event(), Event()]);
        await Store.AppendAsync("b", ExpectedVersion.NoStream, [Event()]);
        await Store.AppendAsync("a", 1, [Event()]);

        var all = await Store.ReadAllAsync(0, 100);
        all.Select(e => (e.Position, e.StreamId)).ShouldBe([(1L, "a"), (2L, "a"), (3L, "b"), (4L, "a")]);
        (await Store.ReadAllAsync(2, 1)).Single().Position.ShouldBe(3);
        (await Store.ReadAllAsync(4, 10)).ShouldBeEmpty();
        (await Store.ReadHeadPositionAsync()).ShouldBe(4);
    }

    [SkippableFact]
    public async Task ConcurrentWriters_ManyStreams_EveryEventStoredOnce_PositionsWithoutGaps()
    {
        const int writers = 16;
        const int appends = 40;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < appends; i++)
            {
                await Store.AppendAsync($"w{w}", i - 1, [Event(json: $$"""{"w":{{w}},"i":{{i}}}""")]);
            }
        })));

        var all = await Store.ReadAllAsync(0, writers * appends + 10);
        all.Select(e => e.Position).ShouldBe(Enumerable.Range(1, writers * appends).Select(i => (long)i));
        all.Select(e => e.EventId).Distinct().Count().ShouldBe(writers * appends);
        for (var w = 0; w < writers; w++)
        {
            (await Store.ReadStreamAsync($"w{w}", 0, 1000)).Select(e => e.StreamVersion).ShouldBe(Enumerable.Range(0, appends).Select(i => (long)i));
        }
    }

    [SkippableFact]
    public async Task ConcurrentWriters_OneStream_OneWinsEachVersion()
    {
        await Store.AppendAsync("hot", ExpectedVersion.NoStream, [Event()]);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Store.AppendAsync("hot", 0, [Event()]);
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        })));

        outcomes.Count(o => o).ShouldBe(1);
        (await Store.ReadStreamAsync("hot", 0, 100)).Count.ShouldBe(2);
    }

    [SkippableFact]
    public async Task TwoStoreInstances_OneDatabase_ConcurrentWriters_EveryEventOnce_PositionsWithoutGaps()
    {
        var store = Store;
        if (!Durable)
        {
            return;
        }

        // Two instances over one database, as two processes would be.
        await using var other = await CreateStoreAsync(reopen: true);
        IEventStore[] stores = [store, other];
        const int writers = 8;
        const int rounds = 30;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = stores[w % 2];
            for (var i = 0; i < rounds; i++)
            {
                await mine.AppendAsync($"w{w}", i - 1, [Event()]);
                await mine.AppendAsync("shared", ExpectedVersion.Any, [Event()]);
            }
        })));

        var all = await store.ReadAllAsync(0, 10_000);
        all.Select(e => e.Position).ShouldBe(Enumerable.Range(1, writers * rounds * 2).Select(i => (long)i));
        all.Select(e => e.EventId).Distinct().Count().ShouldBe(writers * rounds * 2);
        (await other.ReadStreamAsync("shared", 0, 10_000)).Select(e => e.StreamVersion).ShouldBe(Enumerable.Range(0, writers * rounds).Select(i => (long)i));
        await Should.ThrowAsync<ConcurrencyException>(() => other.AppendAsync("w0", rounds - 2, [Event()]));
        (await other.AppendAsync("w0", rounds - 1, [Event()])).StreamVersion.ShouldBe(rounds);
    }

    [SkippableFact]
    public async Task Snapshots_SaveReplacesLoad()
    {
        (await Store.LoadSnapshotAsync("m")).ShouldBeNull();

        await Store.SaveSnapshotAsync(new StoredSnapshot("m", 5, "{\"a\":1}"u8.ToArray()));
        await Store.SaveSnapshotAsync(new StoredSnapshot("m", 9, "{\"a\":2}"u8.ToArray()));

        var snapshot = await Store.LoadSnapshotAsync("m");
        snapshot!.Position.ShouldBe(9);
        Encoding.UTF8.GetString(snapshot.Data.Span).ShouldBe("{\"a\":2}");
    }

    [SkippableFact]
    public async Task Checkpoints_StartAtZero_SaveReplaces()
    {
        (await Store.LoadCheckpointAsync("s")).ShouldBe(0);

        await Store.SaveCheckpointAsync("s", 3);
        await Store.SaveCheckpointAsync("s", 7);

        (await Store.LoadCheckpointAsync("s")).ShouldBe(7);
    }

    [SkippableFact]
    public async Task WaitForEvents_ReturnsWhenAnEventIsAppended()
    {
        var waiting = Store.WaitForEventsAsync(0, TimeSpan.FromSeconds(30));
        await Store.AppendAsync("a", ExpectedVersion.NoStream, [Event()]);

        (await waiting.WaitAsync(TimeSpan.FromSeconds(20))).ShouldBe(1);
        (await Store.WaitForEventsAsync(1, TimeSpan.Zero)).ShouldBe(1);
    }

    [SkippableFact]
    public async Task Reopen_KeepsEventsSnapshotsAndCheckpoints()
    {
        if (!Durable)
        {
            return;
        }

        var stored = Event();
        await Store.AppendAsync("a", ExpectedVersion.NoStream, [stored, Event()]);
        await Store.SaveSnapshotAsync(new StoredSnapshot("m", 2, "{}"u8.ToArray()));
        await Store.SaveCheckpointAsync("s", 2);

        await using var reopened = await CreateStoreAsync(reopen: true);

        (await reopened.ReadAllAsync(0, 10)).Select(e => e.EventId).First().ShouldBe(stored.EventId);
        (await reopened.LoadSnapshotAsync("m"))!.Position.ShouldBe(2);
        (await reopened.LoadCheckpointAsync("s")).ShouldBe(2);
        await Should.ThrowAsync<ConcurrencyException>(() => reopened.AppendAsync("a", 0, [Event()]));
        (await reopened.AppendAsync("a", 1, [Event()])).LastPosition.ShouldBe(3);
    }
}
