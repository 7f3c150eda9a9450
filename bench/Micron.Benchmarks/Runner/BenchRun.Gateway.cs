using System.Globalization;
using Micron.Benchmarks.Load;

namespace Micron.Benchmarks.Runner;

/// <summary>
/// Rows 4 and 8: the gateway in front of a backend, against calling the backend directly and through its peers. Both
/// rows run on one set of servers, started once: row 4 forwards HTTP requests, row 8 WebSocket messages.
/// </summary>
internal sealed partial class BenchRun
{
    private async Task GatewayRowsAsync()
    {
        var directories = new List<DirectoryInfo>();
        var servers = new List<ServerProcess>();
        try
        {
            var (backend, gateway) = await StartGatewayAsync(servers);
            var yarp = Started(await StartYarpAsync(backend, inline: false), servers);
            if (Wanted(4))
            {
                await ProxyHopRowsAsync(backend, gateway, yarp, servers, directories);
            }

            if (Wanted(8))
            {
                await WebSocketRowsAsync(backend, gateway, yarp);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            foreach (var row in new[] { 4, 8 }.Where(Wanted))
            {
                _failures.Add($"row {row}: {ex.Message}");
                _rows.Add(Row(row.ToString(CultureInfo.InvariantCulture), "gateway", "could not run: " + ex.Message.Split('\n')[0], "-", "-", "-"));
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            foreach (var directory in directories)
            {
                directory.Delete(recursive: true);
            }
        }
    }

    private async Task ProxyHopRowsAsync(
        ServerProcess backend, ServerProcess gateway, (ServerProcess? Server, string Name) yarp, List<ServerProcess> servers, List<DirectoryInfo> directories)
    {
        Log("row 4: gateway vs direct vs bare YARP vs nginx");
        try
        {
            List<Proxy> proxies = [HelloThrough("backend directly", "direct", backend, null), HelloThrough("Micron gateway", "gateway", gateway, gateway)];
            var missing = new List<string>();
            void Add((ServerProcess? Server, string Name) peer, string label, string? name = null)
            {
                if (peer.Server is { } server)
                {
                    proxies.Add(HelloThrough(name ?? peer.Name, label, server, server));
                }
                else
                {
                    missing.Add(peer.Name);
                }
            }

            // Bare YARP twice: as it comes, and with the inline scheduling a dedicated gateway has, so that the second
            // pair differs by its code only (the quick run, a smoke test, has the first only: the same code).
            Add(yarp, "YARP");
            if (!quick)
            {
                Add(Started(await StartYarpAsync(backend, inline: true), servers), "YARP inline");
            }

            // nginx twice: as a bare proxy_pass (X-Forwarded-For only), and sending the X-Forwarded-* headers the gateway
            // sends too (as YARP does by default), so that the backend parses the same headers behind both.
            var nginx = Started(await StartNginxAsync(backend, forwardedHeaders: false, directories), servers);
            Add(nginx, "nginx");
            if (nginx.Server is not null)
            {
                Add(Started(await StartNginxAsync(backend, forwardedHeaders: true, directories), servers), "nginx", nginx.Name + " with X-Forwarded-Proto and -Host");
            }

            await MeasureInRoundsAsync(proxies, backend, quick ? Runs : 5, "request");
            var megabytes = quick ? 256 : 1024;
            var (idle, peak, seconds) = await StreamThroughAsync(gateway, megabytes);

            var (direct, micron) = (proxies[0], proxies[1]);
            var peers = proxies.Skip(2).ToList();
            string Peers(Func<Proxy, string> show) => string.Join("; ", [.. peers.Select(p => $"{p.Name}: {show(p)}"), .. missing]);
            _rows.Add(Row("4", "gateway: req/s at 32 connections, median of the rounds (higher is better; target: gateway / bare YARP >= 1.0x, and >= nginx; each ratio is the median of the rounds' ratios, each round's after it)",
                $"Micron gateway: {micron.Rps:N0}", $"backend directly: {direct.Rps:N0}", Rounds(micron.RoundRps, direct.RoundRps),
                Peers(p => $"{p.Rps:N0} (gateway / {p.Label}: {Rounds(micron.RoundRps, p.RoundRps)})")));
            _rows.Add(Row("4", "gateway: p50 us at 1 connection, and what the hop adds (lower is better; target: adds <= 60 us, and at most 10 us more than bare YARP's hop; gateway - peer is the median of the rounds' differences)",
                $"Micron gateway: {micron.P50:N0} ({Added(micron.P50 - direct.P50)})",
                $"backend directly: {direct.P50:N0}", Rounds(micron.RoundP50, direct.RoundP50),
                Peers(p => $"{p.P50:N0} ({Added(p.P50 - direct.P50)}; gateway - {p.Label}: {AddedOver(micron, p)})")));
            _rows.Add(Row("4", "gateway: CPU us per request at 32 connections, the proxy's own and the backend's behind it (lower is better)",
                $"Micron gateway: {micron.ProxyCpu:N1}, backend {micron.BackendCpu:N1}", $"backend directly: {direct.BackendCpu:N1}",
                Ratio(micron.ProxyCpu + micron.BackendCpu, direct.BackendCpu),
                Peers(p => $"{p.ProxyCpu:N1}, backend {p.BackendCpu:N1} (gateway / {p.Label}, the proxy's own: {Ratio(micron.ProxyCpu, p.ProxyCpu)})")));
            _rows.Add(Row("4", $"gateway: resident memory while streaming a {megabytes:N0} MiB body to a client (target: flat)",
                $"Micron gateway: {idle:N0} MiB before, {peak:N0} MiB at most during ({megabytes / seconds:N0} MiB/s)", "-", "-", "-"));
            Log($"  RSS while streaming: {idle:N0} -> {peak:N0} MiB");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            _failures.Add("row 4: " + ex.Message);
            _rows.Add(Row("4", "gateway", "could not run: " + ex.Message.Split('\n')[0], "-", "-", "-"));
        }
    }

    /// <summary>Adds a peer that started to <paramref name="servers"/>, to be stopped with them.</summary>
    private static (ServerProcess? Server, string Name) Started((ServerProcess? Server, string Name) peer, List<ServerProcess> servers)
    {
        if (peer.Server is { } server)
        {
            servers.Add(server);
        }

        return peer;
    }

    /// <summary>Starts a backend, then a gateway that runs no service and forwards to it; both are added to <paramref name="servers"/>.</summary>
    private static async Task<(ServerProcess Backend, ServerProcess Gateway)> StartGatewayAsync(List<ServerProcess> servers)
    {
        var self = typeof(BenchRun).Assembly.Location;
        var dotnet = Environment.ProcessPath!;
        string[] quiet = ["--secret", "bench-" + Guid.NewGuid().ToString("N"), "--Logging:LogLevel:Default=Warning"];
        var backend = await ServerProcess.StartAsync(dotnet, [self, "serve", "gateway-backend", "{port}", .. quiet], "/hello/ready");
        servers.Add(backend);

        // Ready once it found the backend by local discovery and forwards its routes.
        var gateway = await ServerProcess.StartAsync(dotnet, [self, "serve", "gateway", "{port}", .. quiet], "/hello/ready");
        servers.Add(gateway);
        return (backend, gateway);
    }

    /// <summary><c>GET /hello/world</c> sent to <paramref name="target"/>, which is <paramref name="proxy"/> or the backend.</summary>
    private Proxy HelloThrough(string name, string label, ServerProcess target, ServerProcess? proxy)
    {
        var request = RawHttpConnection.EncodeRequest(new Uri(target.Url, "/hello/world"));
        return new(name, label, proxy, (connections, duration) => HttpLoadGenerator.ClosedLoopAsync(target.Url, request, connections, duration, _cancel));
    }

    /// <summary>Downloads a large body through the gateway, sampling the gateway's resident memory as it goes.</summary>
    private static async Task<(double IdleMiB, double PeakMiB, double Seconds)> StreamThroughAsync(ServerProcess gateway, int megabytes)
    {
        var idle = ResidentMiB(gateway.Id);
        var peak = idle;
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri(gateway.Url, $"/stream/{megabytes}"), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256 * 1024];
        long total = 0;
        long nextSample = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
            if (total >= nextSample)
            {
                peak = Math.Max(peak, ResidentMiB(gateway.Id));
                nextSample = total + (16 << 20);
            }
        }

        if (total != megabytes * 1024L * 1024)
        {
            throw new InvalidOperationException($"the streamed body had {total} bytes, not {megabytes} MiB");
        }

        return (idle, peak, clock.Elapsed.TotalSeconds);
    }

    private static double ResidentMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }
}
