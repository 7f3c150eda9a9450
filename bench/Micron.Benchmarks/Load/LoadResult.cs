using System.Diagnostics;

namespace Micron.Benchmarks.Load;

/// <summary>What one load run measured: counts, throughput and the latency distribution.</summary>
internal sealed class LoadResult(long requests, long errors, TimeSpan elapsed, long[] sortedLatencyTicks)
{
    private (double P50, double P99)? _summary;

    /// <summary>A result measured elsewhere (a peer's own load client), known only by its percentiles.</summary>
    public static LoadResult FromSummary(long requests, long errors, TimeSpan elapsed, double p50Microseconds, double p99Microseconds)
        => new(requests, errors, elapsed, []) { _summary = (p50Microseconds, p99Microseconds) };

    public long Requests { get; } = requests;

    public long Errors { get; } = errors;

    public TimeSpan Elapsed { get; } = elapsed;

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>The latency at percentile <paramref name="p"/> (0..100), in microseconds.</summary>
    public double PercentileMicroseconds(double p)
    {
        if (_summary is { } summary)
        {
            return p switch
            {
                50 => summary.P50,
                99 => summary.P99,
                _ => throw new ArgumentOutOfRangeException(nameof(p), "a peer's result knows only p50 and p99"),
            };
        }

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
