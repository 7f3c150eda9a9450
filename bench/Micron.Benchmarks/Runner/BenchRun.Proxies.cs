using System.Globalization;
using Micron.Benchmarks.Load;

namespace Micron.Benchmarks.Runner;

/// <summary>Rows 4 and 8: the backend called directly and through each proxy, measured in interleaved rounds.</summary>
internal sealed partial class BenchRun
{
    /// <summary>
    /// Measures every side in turn, round after round, so that the machine's slow moments fall on all of them alike:
    /// each is warmed, then each round loads each for one measuring period at 32 connections (throughput, and the CPU
    /// time per request of the proxy and of the backend behind it), then the same at 1 connection (p50).
    /// </summary>
    private async Task MeasureInRoundsAsync(List<Proxy> proxies, ServerProcess backend, int rounds, string unit)
    {
        foreach (var proxy in proxies)
        {
            await proxy.Load(32, _settle);
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var proxy in proxies)
            {
                var (proxyBefore, backendBefore) = (proxy.Server?.CpuTime ?? TimeSpan.Zero, backend.CpuTime);
                var result = Checked(await proxy.Load(32, _measure));
                proxy.ProxyCpuTotal += (proxy.Server?.CpuTime ?? TimeSpan.Zero) - proxyBefore;
                proxy.BackendCpuTotal += backend.CpuTime - backendBefore;
                proxy.Requests += result.Requests;
                proxy.RoundRps.Add(result.RequestsPerSecond);
            }
        }

        foreach (var proxy in proxies)
        {
            await proxy.Load(1, _warmup);
        }

        for (var round = 0; round < Runs; round++)
        {
            foreach (var proxy in proxies)
            {
                proxy.RoundP50.Add(Checked(await proxy.Load(1, _measure)).PercentileMicroseconds(50));
            }
        }

        foreach (var proxy in proxies)
        {
            Log($"  {proxy.Name}: {proxy.Rps:N0} {unit}/s at 32 (rounds {string.Join(" ", proxy.RoundRps.Select(static r => r.ToString("N0", CultureInfo.InvariantCulture)))}), p50 {proxy.P50:N0} us at 1; CPU per {unit} at 32: proxy {proxy.ProxyCpu:N1} us, backend {proxy.BackendCpu:N1} us");
        }
    }

    /// <summary>How much more the gateway's hop adds than <paramref name="peer"/>'s: the median of the rounds' p50 differences, then each round's.</summary>
    private static string AddedOver(Proxy gateway, Proxy peer)
    {
        var differences = gateway.RoundP50.Zip(peer.RoundP50, static (g, p) => g - p).ToList();
        return $"{Added(Median(differences))} us (rounds: {string.Join(" ", differences.Select(Added))})";
    }

    private static string Added(double microseconds)
        => (microseconds >= 0 ? "+" : string.Empty) + microseconds.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A side measured in rows 4 and 8 (the backend directly, or a proxy in front of it), and what it measured.</summary>
    /// <param name="name">The name shown in the table.</param>
    /// <param name="label">The short name in ratios: <c>gateway / {label}</c>.</param>
    /// <param name="server">The proxy, or <see langword="null"/> for the backend called directly.</param>
    /// <param name="load">Runs closed-loop load at a number of connections for a duration.</param>
    private sealed class Proxy(string name, string label, ServerProcess? server, Func<int, TimeSpan, Task<LoadResult>> load)
    {
        public string Name { get; } = name;

        public string Label { get; } = label;

        public ServerProcess? Server { get; } = server;

        public Func<int, TimeSpan, Task<LoadResult>> Load { get; } = load;

        public List<double> RoundRps { get; } = [];

        public List<double> RoundP50 { get; } = [];

        public TimeSpan ProxyCpuTotal { get; set; }

        public TimeSpan BackendCpuTotal { get; set; }

        public long Requests { get; set; }

        public double Rps => Median(RoundRps);

        public double P50 => Median(RoundP50);

        public double ProxyCpu => ProxyCpuTotal.TotalMicroseconds / Requests;

        public double BackendCpu => BackendCpuTotal.TotalMicroseconds / Requests;
    }
}
