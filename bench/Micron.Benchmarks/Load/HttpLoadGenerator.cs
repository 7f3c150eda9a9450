using System.Diagnostics;

namespace Micron.Benchmarks.Load;

/// <summary>
/// Drives HTTP load over keep-alive connections. Closed loop: each connection sends its next request as soon as
/// the previous one is answered. Open loop: requests are due at a fixed rate, and each latency is measured from
/// when the request was due, not when it was sent, so a stalled server cannot hide its stall (no coordinated
/// omission).
/// </summary>
internal static class HttpLoadGenerator
{
    public static Task<LoadResult> ClosedLoopAsync(Uri target, byte[] request, int connections, TimeSpan duration, CancellationToken cancellationToken)
        => RunAsync(target, request, connections, duration, ratePerSecond: null, cancellationToken);

    public static Task<LoadResult> OpenLoopAsync(Uri target, byte[] request, int connections, double ratePerSecond, TimeSpan duration, CancellationToken cancellationToken)
        => RunAsync(target, request, connections, duration, ratePerSecond, cancellationToken);

    private static async Task<LoadResult> RunAsync(
        Uri target, byte[] request, int connections, TimeSpan duration, double? ratePerSecond, CancellationToken cancellationToken)
    {
        var opened = new RawHttpConnection[connections];
        for (var i = 0; i < connections; i++)
        {
            opened[i] = await RawHttpConnection.OpenAsync(target, request, cancellationToken);
        }

        var latencies = new List<long>[connections];
        long errors = 0;
        long next = -1;
        var interval = ratePerSecond is { } rate ? Stopwatch.Frequency / rate : 0;
        var durationTicks = (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var end = start + durationTicks;

        async Task Worker(int index)
        {
            var connection = opened[index];
            var mine = latencies[index] = new List<long>(4096);
            while (true)
            {
                long due;
                if (ratePerSecond is null)
                {
                    due = Stopwatch.GetTimestamp();
                    if (due >= end)
                    {
                        return;
                    }
                }
                else
                {
                    due = start + (long)(Interlocked.Increment(ref next) * interval);
                    if (due >= end)
                    {
                        return;
                    }

                    await WaitUntilAsync(due, cancellationToken);
                }

                var status = await connection.SendAsync(cancellationToken);
                mine.Add(Stopwatch.GetTimestamp() - due);
                if (status >= 400)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }

        try
        {
            var workers = new Task[connections];
            for (var i = 0; i < connections; i++)
            {
                workers[i] = Worker(i);
            }

            await Task.WhenAll(workers);
        }
        finally
        {
            foreach (var connection in opened)
            {
                connection.Dispose();
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(all.Length, errors, elapsed, all);
    }

    // Timers are coarse (about 1 ms): sleep while far from the due time, then yield until it comes.
    private static async ValueTask WaitUntilAsync(long due, CancellationToken cancellationToken)
    {
        var millisecond = Stopwatch.Frequency / 1000;
        long now;
        while ((now = Stopwatch.GetTimestamp()) < due)
        {
            if (due - now > 2 * millisecond)
            {
                await Task.Delay(TimeSpan.FromTicks((due - now - millisecond) * TimeSpan.TicksPerSecond / Stopwatch.Frequency), cancellationToken);
            }
            else
            {
                await Task.Yield();
            }
        }
    }
}
