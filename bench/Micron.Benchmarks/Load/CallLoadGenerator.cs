using System.Diagnostics;

namespace Micron.Benchmarks.Load;

/// <summary>Closed-loop load of in-process calls: <c>concurrency</c> callers, each starting its next call when the last ends.</summary>
internal static class CallLoadGenerator
{
    public static async Task<LoadResult> RunAsync(Func<Task> call, int concurrency, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<long>[concurrency];
        long errors = 0;
        var start = Stopwatch.GetTimestamp();

        async Task Caller(int index)
        {
            var mine = latencies[index] = new List<long>(4096);
            long begin;
            while ((begin = Stopwatch.GetTimestamp()) < end)
            {
                try
                {
                    await call();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetTimestamp() - begin);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Caller(i))));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = latencies.SelectMany(static l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(all.Length, errors, elapsed, all);
    }
}
