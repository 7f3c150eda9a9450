using System.Globalization;
using Micron.Benchmarks.Load;

namespace Micron.Benchmarks.Runner;

/// <summary>Row 4: the gateway in front of a backend, against calling the backend directly and against nginx.</summary>
internal sealed partial class BenchRun
{
    private async Task GatewayRowsAsync()
    {
        Log("row 4: gateway vs direct vs nginx");
        var self = typeof(BenchRun).Assembly.Location;
        var dotnet = Environment.ProcessPath!;
        var secret = "bench-" + Guid.NewGuid().ToString("N");
        string[] quiet = ["--secret", secret, "--Logging:LogLevel:Default=Warning"];
        var directories = new List<DirectoryInfo>();
        var servers = new List<ServerProcess>();
        try
        {
            var backend = await ServerProcess.StartAsync(dotnet, [self, "serve", "gateway-backend", "{port}", .. quiet], "/hello/ready");
            servers.Add(backend);

            // Ready once it found the backend by local discovery and forwards its routes.
            var gateway = await ServerProcess.StartAsync(dotnet, [self, "serve", "gateway", "{port}", .. quiet], "/hello/ready");
            servers.Add(gateway);

            // nginx twice: as a bare proxy_pass (X-Forwarded-For only), and sending the X-Forwarded-* headers the gateway
            // sends too (as YARP does by default), so that the backend parses the same headers behind both.
            var (nginx, nginxName) = await StartNginxAsync(backend, forwardedHeaders: false, directories);
            var (forwarding, _) = nginx is null ? (null, nginxName) : await StartNginxAsync(backend, forwardedHeaders: true, directories);
            servers.AddRange(new[] { nginx, forwarding }.OfType<ServerProcess>());

            List<Proxy> proxies = [new("backend directly", backend.Url, null), new("Micron gateway", gateway.Url, gateway)];
            if (nginx is not null)
            {
                proxies.Add(new(nginxName, nginx.Url, nginx));
            }

            if (forwarding is not null)
            {
                proxies.Add(new(nginxName + " with X-Forwarded-Proto and -Host", forwarding.Url, forwarding));
            }

            await MeasureInRoundsAsync(proxies, backend);
            var megabytes = quick ? 256 : 1024;
            var (idle, peak, seconds) = await StreamThroughAsync(gateway, megabytes);

            var (direct, micron) = (proxies[0], proxies[1]);
            var peers = proxies.Skip(2).ToList();
            string Peers(Func<Proxy, string> show)
                => peers.Count == 0 ? nginxName : string.Join("; ", peers.Select(p => $"{p.Name}: {show(p)}"));
            _rows.Add(Row("4", "gateway: req/s at 32 connections, median of the rounds (higher is better; target >= nginx; gateway / nginx: the median of the rounds' ratios, and each round's)",
                $"Micron gateway: {micron.Rps:N0}", $"backend directly: {direct.Rps:N0}", Ratio(micron.Rps, direct.Rps),
                Peers(p => $"{p.Rps:N0} (gateway / nginx: {PairedRatio(micron.RoundRps, p.RoundRps)}; {string.Join(" ", micron.RoundRps.Zip(p.RoundRps, static (m, n) => Ratio(m, n)))})")));
            _rows.Add(Row("4", "gateway: p50 us at 1 connection, and what the hop adds (lower is better; target: adds <= 60 us)",
                $"Micron gateway: {micron.P50:N0} ({Added(micron.P50 - direct.P50)})",
                $"backend directly: {direct.P50:N0}", Ratio(micron.P50, direct.P50),
                Peers(p => $"{p.P50:N0} ({Added(p.P50 - direct.P50)})")));
            _rows.Add(Row("4", "gateway: CPU us per request at 32 connections, the proxy's own and the backend's behind it (lower is better)",
                $"Micron gateway: {micron.ProxyCpu:N1}, backend {micron.BackendCpu:N1}", $"backend directly: {direct.BackendCpu:N1}",
                Ratio(micron.ProxyCpu + micron.BackendCpu, direct.BackendCpu),
                Peers(p => $"{p.ProxyCpu:N1}, backend {p.BackendCpu:N1} (gateway / nginx, the proxy's own: {Ratio(micron.ProxyCpu, p.ProxyCpu)})")));
            _rows.Add(Row("4", $"gateway: resident memory while streaming a {megabytes:N0} MiB body to a client (target: flat)",
                $"Micron gateway: {idle:N0} MiB before, {peak:N0} MiB at most during ({megabytes / seconds:N0} MiB/s)", "-", "-", "-"));
            Log($"  RSS while streaming: {idle:N0} -> {peak:N0} MiB");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            _failures.Add("row 4: " + ex.Message);
            _rows.Add(Row("4", "gateway", "could not run: " + ex.Message.Split('\n')[0], "-", "-", "-"));
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

    /// <summary>
    /// Measures every proxy in turn, round after round, so that the machine's slow moments fall on all of them alike:
    /// each is warmed, then each round loads each for one measuring period at 32 connections (throughput, and the CPU
    /// time per request of the proxy and of the backend behind it), then the same at 1 connection (p50).
    /// </summary>
    private async Task MeasureInRoundsAsync(List<Proxy> proxies, ServerProcess backend)
    {
        var rounds = quick ? Runs : 5;
        foreach (var proxy in proxies)
        {
            await HttpLoadGenerator.ClosedLoopAsync(proxy.Url, proxy.Request, 32, _settle, _cancel);
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var proxy in proxies)
            {
                var (proxyBefore, backendBefore) = (proxy.Server?.CpuTime ?? TimeSpan.Zero, backend.CpuTime);
                var result = Checked(await HttpLoadGenerator.ClosedLoopAsync(proxy.Url, proxy.Request, 32, _measure, _cancel));
                proxy.ProxyCpuTotal += (proxy.Server?.CpuTime ?? TimeSpan.Zero) - proxyBefore;
                proxy.BackendCpuTotal += backend.CpuTime - backendBefore;
                proxy.Requests += result.Requests;
                proxy.RoundRps.Add(result.RequestsPerSecond);
            }
        }

        foreach (var proxy in proxies)
        {
            await HttpLoadGenerator.ClosedLoopAsync(proxy.Url, proxy.Request, 1, _warmup, _cancel);
        }

        for (var round = 0; round < Runs; round++)
        {
            foreach (var proxy in proxies)
            {
                proxy.RoundP50.Add(Checked(await HttpLoadGenerator.ClosedLoopAsync(proxy.Url, proxy.Request, 1, _measure, _cancel)).PercentileMicroseconds(50));
            }
        }

        foreach (var proxy in proxies)
        {
            Log($"  {proxy.Name}: {proxy.Rps:N0} req/s at 32 (rounds {string.Join(" ", proxy.RoundRps.Select(static r => r.ToString("N0", CultureInfo.InvariantCulture)))}), p50 {proxy.P50:N0} us at 1; CPU per request at 32: proxy {proxy.ProxyCpu:N1} us, backend {proxy.BackendCpu:N1} us");
        }
    }

    private static string PairedRatio(List<double> micron, List<double> peer)
        => Ratio(Median(micron.Zip(peer, static (m, p) => m / p)), 1);

    /// <summary>
    /// Debian's nginx, one worker, <c>proxy_pass</c> to the same backend with upstream keep-alive; with
    /// <paramref name="forwardedHeaders"/>, it also sends <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>.
    /// </summary>
    private static async Task<(ServerProcess? Server, string Name)> StartNginxAsync(ServerProcess backend, bool forwardedHeaders, List<DirectoryInfo> directories)
    {
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null;
        if (nginx is null)
        {
            return (null, "nginx: could not run (not installed; bench/run installs it when run as root)");
        }

        var version = Machine.Version(nginx, "-v")?.Replace("nginx version: ", string.Empty, StringComparison.Ordinal) ?? "nginx";
        var directory = Directory.CreateTempSubdirectory("micron-nginx-");
        directories.Add(directory);
        try
        {
            var config = Path.Combine(directory.FullName, "nginx.conf");
            var server = await ServerProcess.StartAsync(
                nginx,
                ["-p", directory.FullName, "-c", config, "-e", Path.Combine(directory.FullName, "error.log")],
                "/hello/ready",
                prepare: port => File.WriteAllText(config, NginxConfig(directory.FullName, port, backend.Url, forwardedHeaders)));
            return (server, version);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return (null, $"{version}: could not run ({ex.Message.Split('\n')[0]})");
        }
    }

    /// <summary>A server measured in row 4, and what it measured.</summary>
    private sealed class Proxy(string name, Uri url, ServerProcess? server)
    {
        public string Name { get; } = name;

        public Uri Url { get; } = url;

        /// <summary>Gets the proxy, or <see langword="null"/> for the backend called directly.</summary>
        public ServerProcess? Server { get; } = server;

        public byte[] Request { get; } = RawHttpConnection.EncodeRequest(new Uri(url, "/hello/world"));

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

    private static string NginxConfig(string directory, int port, Uri backend, bool forwardedHeaders) => $$"""
        daemon off;
        master_process off;
        worker_processes 1;
        user root;
        pid {{directory}}/nginx.pid;
        events { worker_connections 4096; }
        http {
          access_log off;
          keepalive_requests 10000000;
          client_body_temp_path {{directory}}/body;
          proxy_temp_path {{directory}}/proxy;
          upstream backend { server {{backend.Authority}}; keepalive 64; keepalive_requests 10000000; }
          server {
            listen 127.0.0.1:{{port}};
            location / {
              proxy_pass http://backend;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              {{(forwardedHeaders ? "proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Host $http_host;" : string.Empty)}}
            }
          }
        }
        """;

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

    private static string Added(double microseconds)
        => (microseconds >= 0 ? "+" : string.Empty) + microseconds.ToString("N0", CultureInfo.InvariantCulture);

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
