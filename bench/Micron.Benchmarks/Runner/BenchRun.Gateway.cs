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
        try
        {
            await using var backend = await ServerProcess.StartAsync(dotnet, [self, "serve", "gateway-backend", "{port}", .. quiet], "/hello/ready");

            var direct = await MeasureProxyAsync("direct", backend.Url, backend);

            // Ready once it found the backend by local discovery and forwards its routes.
            await using var gateway = await ServerProcess.StartAsync(dotnet, [self, "serve", "gateway", "{port}", .. quiet], "/hello/ready");
            var micron = await MeasureProxyAsync("Micron gateway", gateway.Url, backend, gateway.Id);
            // nginx twice: as a bare proxy_pass (X-Forwarded-For only), and sending the X-Forwarded-* headers the gateway
            // sends too (as YARP does by default), so that the backend parses the same headers behind both.
            var (nginx, nginxName) = await MeasureNginxAsync(backend, forwardedHeaders: false);
            var (forwarding, _) = await MeasureNginxAsync(backend, forwardedHeaders: true);
            var megabytes = quick ? 256 : 1024;
            var (idle, peak, seconds) = await StreamThroughAsync(gateway, megabytes);

            string Peers(Func<ProxyMeasured, string> show)
                => nginx is { } n
                    ? $"{nginxName}: {show(n)}; with X-Forwarded-Proto and -Host too: {(forwarding is { } f ? show(f) : "could not run")}"
                    : nginxName;
            _rows.Add(Row("4", "gateway: req/s at 32 connections (higher is better; target >= nginx)",
                $"Micron gateway: {micron.Rps:N0}", $"backend directly: {direct.Rps:N0}", Ratio(micron.Rps, direct.Rps),
                Peers(m => $"{m.Rps:N0} (gateway / nginx: {Ratio(micron.Rps, m.Rps)})")));
            _rows.Add(Row("4", "gateway: p50 us at 1 connection, and what the hop adds (lower is better; target: adds <= 60 us)",
                $"Micron gateway: {micron.P50:N0} ({Added(micron.P50 - direct.P50)})",
                $"backend directly: {direct.P50:N0}", Ratio(micron.P50, direct.P50),
                Peers(m => $"{m.P50:N0} ({Added(m.P50 - direct.P50)})")));
            _rows.Add(Row("4", "gateway: CPU us per request at 32 connections, the proxy's own and the backend's behind it (lower is better)",
                $"Micron gateway: {micron.ProxyCpu:N1}, backend {micron.BackendCpu:N1}", $"backend directly: {direct.BackendCpu:N1}",
                Ratio(micron.ProxyCpu + micron.BackendCpu, direct.BackendCpu),
                Peers(m => $"{m.ProxyCpu:N1}, backend {m.BackendCpu:N1} (gateway / nginx, the proxy's own: {Ratio(micron.ProxyCpu, m.ProxyCpu)})")));
            _rows.Add(Row("4", $"gateway: resident memory while streaming a {megabytes:N0} MiB body to a client (target: flat)",
                $"Micron gateway: {idle:N0} MiB before, {peak:N0} MiB at most during ({megabytes / seconds:N0} MiB/s)", "-", "-", "-"));
            Log($"  gateway {micron.Rps:N0} req/s, p50 {micron.P50:N0} us; direct {direct.Rps:N0}, {direct.P50:N0} us; nginx {nginx?.Rps:N0}, {nginx?.P50:N0} us; with the X-Forwarded-* headers {forwarding?.Rps:N0}, {forwarding?.P50:N0} us; RSS {idle:N0} -> {peak:N0} MiB");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            _failures.Add("row 4: " + ex.Message);
            _rows.Add(Row("4", "gateway", "could not run: " + ex.Message.Split('\n')[0], "-", "-", "-"));
        }
    }

    /// <summary>
    /// Throughput at 32 connections and p50 at 1 through <paramref name="server"/>, and the CPU time per request at 32 of
    /// the proxy (<paramref name="proxy"/>, when there is one) and of <paramref name="backend"/>.
    /// </summary>
    private async Task<ProxyMeasured> MeasureProxyAsync(string name, Uri server, ServerProcess backend, int? proxy = null)
    {
        var request = RawHttpConnection.EncodeRequest(new Uri(server, "/hello/world"));
        await HttpLoadGenerator.ClosedLoopAsync(server, request, 32, _settle, _cancel);
        long requests = 0;
        var proxyCpu = TimeSpan.Zero;
        var backendCpu = TimeSpan.Zero;
        var rps = await MedianAsync(
            async () =>
            {
                var (proxyBefore, backendBefore) = (proxy is { } p ? CpuTime(p) : TimeSpan.Zero, backend.CpuTime);
                var result = await HttpLoadGenerator.ClosedLoopAsync(server, request, 32, _measure, _cancel);
                proxyCpu += (proxy is { } q ? CpuTime(q) : TimeSpan.Zero) - proxyBefore;
                backendCpu += backend.CpuTime - backendBefore;
                requests += result.Requests;
                return result;
            },
            static r => r.RequestsPerSecond);
        await HttpLoadGenerator.ClosedLoopAsync(server, request, 1, _warmup, _cancel);
        var p50 = await MedianAsync(() => HttpLoadGenerator.ClosedLoopAsync(server, request, 1, _measure, _cancel), static r => r.PercentileMicroseconds(50));
        var measured = new ProxyMeasured(rps, p50, proxyCpu.TotalMicroseconds / requests, backendCpu.TotalMicroseconds / requests);
        Log($"  {name}: {rps:N0} req/s at 32, p50 {p50:N0} us at 1; CPU per request at 32: proxy {measured.ProxyCpu:N1} us, backend {measured.BackendCpu:N1} us");
        return measured;
    }

    // User and system time of a process, from /proc (the proxies here are Micron's and nginx, started alike).
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }

    private sealed record ProxyMeasured(double Rps, double P50, double ProxyCpu, double BackendCpu);

    /// <summary>
    /// Debian's nginx, one worker, <c>proxy_pass</c> to the same backend with upstream keep-alive; with
    /// <paramref name="forwardedHeaders"/>, it also sends <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>.
    /// </summary>
    private async Task<(ProxyMeasured? Result, string Name)> MeasureNginxAsync(ServerProcess backend, bool forwardedHeaders)
    {
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null;
        if (nginx is null)
        {
            return (null, "nginx: could not run (not installed; bench/run installs it when run as root)");
        }

        var version = Machine.Version(nginx, "-v")?.Replace("nginx version: ", string.Empty, StringComparison.Ordinal) ?? "nginx";
        var directory = Directory.CreateTempSubdirectory("micron-nginx-");
        try
        {
            var config = Path.Combine(directory.FullName, "nginx.conf");
            await using var server = await ServerProcess.StartAsync(
                nginx,
                ["-p", directory.FullName, "-c", config, "-e", Path.Combine(directory.FullName, "error.log")],
                "/hello/ready",
                prepare: port => File.WriteAllText(config, NginxConfig(directory.FullName, port, backend.Url, forwardedHeaders)));
            return (await MeasureProxyAsync(forwardedHeaders ? version + " with X-Forwarded-Proto and -Host" : version, server.Url, backend, server.Id), version);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return (null, $"{version}: could not run ({ex.Message.Split('\n')[0]})");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
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
