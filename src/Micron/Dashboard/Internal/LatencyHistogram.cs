namespace Micron.Dashboard.Internal;

/// <summary>
/// Log-linear latency buckets in microseconds: four per power of two from 1 µs to about 70 minutes, so a percentile
/// read from them is within 12% of the true value, and recording is an index computation and an increment.
/// </summary>
internal static class LatencyHistogram
{
    public const int BucketCount = 128;

    public static int IndexOf(long microseconds)
    {
        if (microseconds < 4)
        {
            return (int)Math.Max(microseconds, 0);
        }

        var exponent = 63 - (int)long.LeadingZeroCount(microseconds);
        var sub = (int)((microseconds >> (exponent - 2)) & 3);
        return Math.Min((exponent * 4) + sub, BucketCount - 1);
    }

    /// <summary>The middle of a bucket, in milliseconds.</summary>
    public static double MidpointMs(int index)
    {
        if (index < 8)
        {
            return index / 1000.0;
        }

        var exponent = index / 4;
        var sub = index % 4;
        var low = (4L + sub) << (exponent - 2);
        var high = (5L + sub) << (exponent - 2);
        return (low + high) / 2.0 / 1000.0;
    }

    /// <summary>The value below which <paramref name="fraction"/> of the recorded values fall, in milliseconds.</summary>
    public static double? Percentile(ReadOnlySpan<long> counts, long total, double fraction)
    {
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(total * fraction);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return MidpointMs(i);
            }
        }

        return MidpointMs(counts.Length - 1);
    }
}
