using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Micron.Hosting;
using Microsoft.Extensions.Options;

namespace Micron.Dashboard.Internal;

/// <summary>
/// Per-route request rate, latency and errors for the dashboard, read from ASP.NET Core's own
/// <c>http.server.request.duration</c> histogram (tagged with <c>http.route</c>) of this host's meter factory, so
/// nothing is added to the request pipeline, and hosts sharing a process do not see each other's traffic.
/// </summary>
internal sealed class RouteMetrics : IDisposable
{
    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private const string DurationInstrument = "http.server.request.duration";
    private const string Unmatched = "(no route)";

    private readonly ConcurrentDictionary<(string Method, string Route), RouteStats> _routes = new();
    private readonly TimeProvider _time;
    private readonly MeterListener? _listener;

    public RouteMetrics(IMeterFactory meters, TimeProvider time, IOptions<MicronOptions> options)
    {
        _time = time;
        if (!options.Value.Dashboard.Enabled)
        {
            return;
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == DurationInstrument && instrument.Meter.Name == HostingMeter && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    listener.EnableMeasurementEvents(instrument, this);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>(static (_, seconds, tags, state) => ((RouteMetrics)state!).Record(seconds, tags));
        _listener.Start();
    }

    /// <summary>Gets the routes that have had traffic since the host started.</summary>
    public ICollection<RouteStats> Routes => _routes.Values;

    /// <summary>Gets the current second on this host's clock: the index of the slot being written.</summary>
    public long CurrentSecond => _time.GetUtcNow().ToUnixTimeSeconds();

    public void Record(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? route = null;
        string method = "*";
        var failed = false;
        foreach (var (key, value) in tags)
        {
            switch (key)
            {
                case "http.route":
                    route = value as string;
                    break;
                case "http.request.method":
                    method = value as string ?? "*";
                    break;
                case "http.response.status_code":
                    failed |= value is int status && status >= 500;
                    break;
                case "error.type":
                    failed = true;
                    break;
            }
        }

        route ??= Unmatched;
        if (route.StartsWith("/_micron", StringComparison.Ordinal))
        {
            return;
        }

        if (!_routes.TryGetValue((method, route), out var stats))
        {
            stats = _routes.GetOrAdd((method, route), static key => new RouteStats(key.Method, key.Route));
        }

        stats.Record(CurrentSecond, (long)(seconds * 1_000_000), failed);
    }

    public void Dispose() => _listener?.Dispose();
}
