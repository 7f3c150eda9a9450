using System.Diagnostics;

namespace Micron.Benchmarks.Load;

/// <summary>What one load run measured: counts, throughput and the latency distribution.</summary>
internal sealed class LoadResult(long requests, long errors, TimeSpan elapsed, long[] sortedLatencyTicks)
{
    public long Requests { get; } = requests;

    public long Errors { get; } = errors;

    public TimeSpan Elapsed { get; } = elapsed;

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>The latency at percentile <paramref name="p"/> (0..100), in microseconds.</summary>
    public double PercentileMicroseconds(double p)
    {
        if (sortedLatencyTicks.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Clamp(Math.Ceiling(p / 100 * sortedLatencyTicks.Length) - 1, 0, sortedLatencyTicks.Length - 1);
        return sortedLatencyTicks[index] * 1_000_000.0 / Stopwatch.Frequency;
    }

    public override string ToString()
        => $"{RequestsPerSecond:N0} req/s, p50 {PercentileMicroseconds(50):N0} us, p99 {PercentileMicroseconds(99):N0} us, {Errors} errors of {Requests}";
}
