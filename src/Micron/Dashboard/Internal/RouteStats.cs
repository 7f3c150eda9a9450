namespace Micron.Dashboard.Internal;

/// <summary>
/// The traffic of one route and method over the last minute, in one-second slots: requests, server errors, and a
/// latency histogram per slot. Recording takes a short lock; reading sums the slots still inside the window.
/// </summary>
internal sealed class RouteStats
{
    public const int WindowSeconds = 60;

    private readonly Lock _lock = new();
    private readonly Slot[] _slots = new Slot[WindowSeconds];
    private long _total;
    private long _totalErrors;

    public RouteStats(string method, string route)
    {
        Method = method;
        Route = route;
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
        }
    }

    public string Method { get; }

    public string Route { get; }

    public void Record(long second, long microseconds, bool failed)
    {
        var bucket = LatencyHistogram.IndexOf(microseconds);
        var slot = _slots[(int)(second % WindowSeconds)];
        lock (_lock)
        {
            if (slot.Second != second)
            {
                slot.Reset(second);
            }

            slot.Requests++;
            slot.Latency[bucket]++;
            _total++;
            if (failed)
            {
                slot.Errors++;
                _totalErrors++;
            }
        }
    }

    /// <summary>Adds this route's last <paramref name="rateSeconds"/> and last minute into <paramref name="into"/>.</summary>
    public void AddTo(RouteTraffic into, long nowSecond, int rateSeconds)
    {
        lock (_lock)
        {
            into.Total += _total;
            into.TotalErrors += _totalErrors;
            foreach (var slot in _slots)
            {
                var age = nowSecond - slot.Second;
                if (age < 0 || age >= WindowSeconds)
                {
                    continue;
                }

                if (age < rateSeconds)
                {
                    into.RecentRequests += slot.Requests;
                }

                into.MinuteRequests += slot.Requests;
                into.MinuteErrors += slot.Errors;
                for (var i = 0; i < slot.Latency.Length; i++)
                {
                    into.Latency[i] += slot.Latency[i];
                }
            }
        }
    }

    private sealed class Slot
    {
        public long Second = -1;
        public long Requests;
        public long Errors;
        public readonly long[] Latency = new long[LatencyHistogram.BucketCount];

        public void Reset(long second)
        {
            Second = second;
            Requests = 0;
            Errors = 0;
            Array.Clear(Latency);
        }
    }
}

/// <summary>The sum of one or more <see cref="RouteStats"/> at one moment.</summary>
internal sealed class RouteTraffic
{
    public long Total;
    public long TotalErrors;
    public long RecentRequests;
    public long MinuteRequests;
    public long MinuteErrors;
    public readonly long[] Latency = new long[LatencyHistogram.BucketCount];
}
