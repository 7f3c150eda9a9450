using System.Diagnostics;

namespace Micron.Benchmarks.Runner;

/// <summary>
/// Kills one of two instances (SIGKILL) while callers keep <c>concurrency</c> calls in flight, and reports how long
/// calls kept going to it. The method is not idempotent, so every call that reaches the dead instance fails: the last
/// failure is the last call that went to it.
/// </summary>
internal static class KillUnderLoad
{
    /// <param name="LastCallToKilled">From the kill to the last call that failed on the killed instance.</param>
    /// <param name="FailedInFlight">Calls sent before the kill that failed: those in flight on the instance when it died.</param>
    /// <param name="FailedSentAfter">Calls sent after the kill that failed: sent to the dead instance before it was dropped.</param>
    /// <param name="CallsPerSecondAfter">Successful calls per second in the last second of the run, on the survivor alone.</param>
    internal sealed record Result(TimeSpan LastCallToKilled, long FailedInFlight, long FailedSentAfter, double CallsPerSecondAfter);

    public static async Task<Result> RunAsync(ServerProcess victim, Func<Task> call, int concurrency, TimeSpan before, TimeSpan after)
    {
        long killedAt = long.MaxValue, lastFailure = 0, failedInFlight = 0, failedSentAfter = 0, lateSuccesses = 0;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)((before + after).TotalSeconds * Stopwatch.Frequency);
        var lastSecond = end - Stopwatch.Frequency;

        async Task Caller()
        {
            long now;
            while ((now = Stopwatch.GetTimestamp()) < end)
            {
                try
                {
                    await call();
                    if (now >= lastSecond)
                    {
                        Interlocked.Increment(ref lateSuccesses);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    var failedAt = Stopwatch.GetTimestamp();
                    if (now < Volatile.Read(ref killedAt))
                    {
                        Interlocked.Increment(ref failedInFlight);
                    }
                    else
                    {
                        Interlocked.Increment(ref failedSentAfter);
                    }

                    long seen;
                    while (failedAt > (seen = Volatile.Read(ref lastFailure)) && Interlocked.CompareExchange(ref lastFailure, failedAt, seen) != seen)
                    {
                    }
                }
            }
        }

        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(Caller)).ToArray();
        await Task.Delay(before);
        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        victim.Kill();
        await Task.WhenAll(callers);

        var last = lastFailure > killedAt ? Stopwatch.GetElapsedTime(killedAt, lastFailure) : TimeSpan.Zero;
        return new Result(last, failedInFlight, failedSentAfter, lateSuccesses);
    }
}
