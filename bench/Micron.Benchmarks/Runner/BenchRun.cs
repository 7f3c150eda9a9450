using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using System.Net.Http.Json;
using Micron.Benchmarks.Load;
using Micron.Discovery;
using Micron.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Benchmarks.Runner;

/// <summary>
/// <c>bench/run</c>: measures Micron against its baselines and peers in one run and writes one table of ratios.
/// Servers run pinned to CPU 0, the load generator to CPU 1; every figure is the median of three runs.
/// </summary>
internal sealed partial class BenchRun(bool quick, string output, string root, IReadOnlySet<int>? rows = null)
{
    private const int Runs = 3;
    private readonly TimeSpan _measure = quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(5);
    private readonly TimeSpan _warmup = quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(2);

    // Servers whose request path spans many methods (a signed remote call, a proxy hop, a fan-out) reach their steady
    // speed only once .NET's tiered JIT has recompiled that path with profile data, which under load takes seconds:
    // the rows that compare such servers warm every side, Micron's and the baseline's alike, this long.
    private readonly TimeSpan _settle = quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(10);
    private readonly List<string> _rows = [];
    private readonly List<string> _failures = [];
    private readonly CancellationToken _cancel = CancellationToken.None;

    public async Task<int> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        PinToCpu(1);
        Log($"bench/run ({(quick ? "quick" : "full")}): {Machine.Describe()}");
        if (Wanted(1))
        {
            LocalCallRow();
        }

        if (Wanted(2))
        {
            await HelloRowsAsync();
        }

        if (Wanted(3))
        {
            await RemoteCallRowsAsync();
        }

        if (Wanted(4) || Wanted(8))
        {
            await GatewayRowsAsync();
        }

        if (Wanted(5))
        {
            await ShopRowsAsync();
        }
        if (Wanted(6))
        {
            await EventStoreRowsAsync();
        }

        NotBuilt(7, "RabbitMQ RPC: calls/s", "vs a raw RabbitMQ.Client loop", null);

        var markdown = Render(clock.Elapsed);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Log($"written to {output} in {clock.Elapsed.TotalSeconds:0} s");
        foreach (var failure in _failures)
        {
            await Console.Error.WriteLineAsync("bench/run: " + failure);
        }

        // A peer that is not installed is reported in its row; a Micron or baseline figure that cannot be measured fails the run.
        return _failures.Count == 0 ? 0 : 1;
    }

    private bool Wanted(int row) => rows is null || rows.Contains(row);

    private void LocalCallRow()
    {
        Log("row 1: local contract call (BenchmarkDotNet)");
        var logPath = Path.Combine(root, "BenchmarkDotNet.Artifacts", "bench-run.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        using var log = new StreamLogger(logPath);
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1).WithWarmupCount(quick ? 1 : 3).WithIterationCount(quick ? 3 : 15);
        var config = ManualConfig.CreateEmpty().AddJob(job).AddLogger(log)
            .AddDiagnoser(MemoryDiagnoser.Default).AddColumnProvider(DefaultColumnProviders.Instance);
        var summary = BenchmarkRunner.Run<LocalCallBenchmarks>(config);

        string Cell(string method, out double median)
        {
            var report = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
            median = report.ResultStatistics!.Median;
            var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
            return $"{median:0.00} ns, {bytes} B";
        }

        var micron = Cell(nameof(LocalCallBenchmarks.Resolved), out var micronNs);
        var direct = Cell(nameof(LocalCallBenchmarks.Direct), out var directNs);
        _rows.Add(Row("1", "local contract call (median; lower is better)", $"Micron-resolved contract: {micron}",
            $"direct interface call: {direct}", Ratio(micronNs, directNs), "-"));
    }

    private async Task HelloRowsAsync()
    {
        Log("row 2: hello-world HTTP");
        var self = typeof(BenchRun).Assembly.Location;
        var dotnet = Environment.ProcessPath!;
        var microDir = Path.Combine(root, "bench", "peers", "micro");
        var microInstalled = Path.Combine(microDir, "node_modules", "micro", "package.json");
        var node = Machine.Version("node", "--version");
        Target Micron(string name, string kind)
            => new(name, false, () => ServerProcess.StartAsync(dotnet, [self, "serve", kind, "{port}"], "/hello/ready"), null);
        var baseline = Micron("bare minimal API", "bare");
        Target[] micron = [Micron("Micron service route", "route"), Micron("Micron one-function server", "micro")];
        var peer = node is null || !File.Exists(microInstalled)
            ? new Target("Node micro", true, null, node is null ? "node is not installed" : "micro is not installed in bench/peers/micro (npm)")
            : new Target($"Node micro {node}", true, () => ServerProcess.StartAsync("node", ["server.js", "{port}"], "/hello/ready", microDir), null);

        double? rate = null;
        foreach (var target in (Target[])[baseline, .. micron, peer])
        {
            await MeasureAsync(target, rate);
            rate ??= target.Result is { } measured ? OpenLoopRate(measured.Rps) : null;
        }

        if (baseline.Result is not { } reference)
        {
            _rows.Add(Row("2", "hello-world HTTP", "could not run: " + baseline.Failure, "-", "-", "-"));
            return;
        }

        void AddRow(string measure, Func<Measured, double> pick)
        {
            var measuredMicron = micron.Where(t => t.Result is not null).ToList();
            var cells = string.Join("; ", micron.Select(t => t.Result is { } r ? $"{t.Name}: {pick(r):N0}" : $"{t.Name}: could not run ({t.Failure})"));
            var ratios = string.Join("; ", measuredMicron.Select(t => Ratio(pick(t.Result!), pick(reference))));
            var peers = peer.Result is { } p
                ? $"{peer.Name}: {pick(p):N0}" + (micron[0].Result is { } route ? $" (Micron route / peer: {Ratio(pick(route), pick(p))})" : string.Empty)
                : $"{peer.Name}: could not run ({peer.Failure})";
            _rows.Add(Row("2", measure, cells, $"{baseline.Name}: {pick(reference):N0}", ratios.Length > 0 ? ratios : "-", peers));
        }

        AddRow("hello-world HTTP: req/s at 32 connections (higher is better)", r => r.Rps);
        AddRow("hello-world HTTP: p50 us at 1 connection (lower is better)", r => r.P50);
        AddRow($"hello-world HTTP: p99 us at a fixed {rate:N0} req/s, open loop (lower is better)", r => r.P99);
    }

    private async Task MeasureAsync(Target target, double? rate)
    {
        if (target.Start is null)
        {
            Log($"  {target.Name}: skipped, {target.Failure}");
            return;
        }

        // A port picked free can be taken before the server binds it: try again on another.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var server = await target.Start();
                var request = RawHttpConnection.EncodeRequest(new Uri(server.Url, "/hello/world"));
                await HttpLoadGenerator.ClosedLoopAsync(server.Url, request, 32, _warmup, _cancel);
                var rps = await MedianAsync(() => HttpLoadGenerator.ClosedLoopAsync(server.Url, request, 32, _measure, _cancel), r => r.RequestsPerSecond);
                var p50 = await MedianAsync(() => HttpLoadGenerator.ClosedLoopAsync(server.Url, request, 1, _measure, _cancel), r => r.PercentileMicroseconds(50));
                var openRate = rate ?? OpenLoopRate(rps);
                var p99 = await MedianAsync(() => HttpLoadGenerator.OpenLoopAsync(server.Url, request, 32, openRate, _measure, _cancel), r => r.PercentileMicroseconds(99));
                target.Result = new Measured(rps, p50, p99);
                Log($"  {target.Name}: {rps:N0} req/s at 32, p50 {p50:N0} us at 1, p99 {p99:N0} us at {openRate:N0} req/s");
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException)
            {
                Log($"  {target.Name}, attempt {attempt}: {ex.Message}");
                if (attempt == 3)
                {
                    target.Failure = ex.Message.Split('\n')[0].Trim();
                    if (!target.IsPeer)
                    {
                        _failures.Add($"{target.Name}: {ex.Message}");
                    }

                    return;
                }
            }
        }
    }

    private async Task RemoteCallRowsAsync()
    {
        Log("row 3: remote typed call over HTTP");
        var self = typeof(BenchRun).Assembly.Location;
        var dotnet = Environment.ProcessPath!;
        var secret = "bench-" + Guid.NewGuid().ToString("N");
        try
        {
            await using var micronServer = await ServerProcess.StartAsync(dotnet, [self, "serve", "rpc", "{port}", "--secret", secret], "/_micron/health/alive");
            await using var baselineServer = await ServerProcess.StartAsync(dotnet, [self, "serve", "rpc-baseline", "{port}"], "/hello/ready");

            // The Micron caller is a host in this process that runs no service and finds `quote` by local discovery.
            var builder = MicronApplication.CreateBuilder(["--services", "none", "--secret", secret, "--listen", "tcp://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
            builder.Services.AddMicron().AddService<QuoteService>();
            await using var caller = builder.Build();
            await caller.StartAsync();
            var registry = caller.Services.GetRequiredService<ServiceRegistry>();
            await WaitForAsync(() => registry.InstancesOf("quote").Count > 0, "the quote service was not discovered");

            var quote = caller.Services.GetRequiredService<IQuote>();
            using var http = new HttpClient { BaseAddress = baselineServer.Url };
            Func<Task> micron = () => quote.GetQuote(42);
            Func<Task> baseline = async () =>
            {
                using var response = await http.PostAsJsonAsync("/quote", new QuoteRequest(42));
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadFromJsonAsync<Quote>();
            };

            await CallLoadGenerator.RunAsync(micron, 32, _settle);
            await CallLoadGenerator.RunAsync(baseline, 32, _settle);
            // In interleaved rounds, Micron's then the baseline's, so that the machine's slow moments fall on both alike.
            var (micron32, baseline32) = await InterleavedAsync(() => CallLoadGenerator.RunAsync(micron, 32, _measure), () => CallLoadGenerator.RunAsync(baseline, 32, _measure));
            var (micron1, baseline1) = await InterleavedAsync(() => CallLoadGenerator.RunAsync(micron, 1, _measure), () => CallLoadGenerator.RunAsync(baseline, 1, _measure));
            var (moleculer32, moleculer1, peerName) = await MoleculerAsync();
            const string Against = "HttpClient + minimal API";
            void Add(string measure, LoadResult[] m, LoadResult[] b, LoadResult[]? p, Func<LoadResult, double> pick)
                => _rows.Add(Row("3", measure, $"typed proxy: {Median(m, pick):N0}", $"{Against}: {Median(b, pick):N0}", Rounds(m.Select(pick), b.Select(pick)),
                    p is null ? peerName : $"{peerName}: {Median(p, pick):N0} (typed proxy / peer: {Ratio(Median(m, pick), Median(p, pick))})"));
            Add("remote typed call: calls/s at 32 in flight (higher is better; target >= 0.8x)", micron32, baseline32, moleculer32, static r => r.RequestsPerSecond);
            Add("remote typed call: calls/s at 1 in flight (higher is better)", micron1, baseline1, moleculer1, static r => r.RequestsPerSecond);
            Add("remote typed call: p50 us at 1 in flight (lower is better; target <= 1.25x)", micron1, baseline1, moleculer1, static r => r.PercentileMicroseconds(50));
            Add("remote typed call: p99 us at 32 in flight (lower is better)", micron32, baseline32, moleculer32, static r => r.PercentileMicroseconds(99));
            Log($"  typed proxy: {Median(micron32, static r => r.RequestsPerSecond):N0} calls/s at 32; {Against}: {Median(baseline32, static r => r.RequestsPerSecond):N0}");

            // A second instance joins; then one of the two is killed under load.
            await using var second = await ServerProcess.StartAsync(dotnet, [self, "serve", "rpc", "{port}", "--secret", secret], "/_micron/health/alive");
            await WaitForAsync(() => registry.InstancesOf("quote").Count == 2, "the second quote instance was not discovered");
            var kill = await KillUnderLoad.RunAsync(second, micron, 32, quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2), quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(4));
            _rows.Add(Row(
                "3",
                "kill -9 one of two instances at 32 in flight: until calls stop going to it (target <= 3 s)",
                $"typed proxy: {kill.LastCallToKilled.TotalMilliseconds:N0} ms; {kill.FailedInFlight} calls in flight on it failed, {kill.FailedSentAfter} sent after the kill failed; then {kill.CallsPerSecondAfter:N0} calls/s on the survivor",
                "-",
                "-",
                "-"));
            Log($"  kill under load: last call to the killed instance {kill.LastCallToKilled.TotalMilliseconds:N0} ms after the kill");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or Hosting.MicronStartupException)
        {
            _failures.Add("row 3: " + ex.Message);
            _rows.Add(Row("3", "remote typed call", "could not run: " + ex.Message.Split('\n')[0], "-", "-", "-"));
        }
    }

    /// <summary>Moleculer 0.15 over NATS: Debian's nats-server, a `quote` service process, and a client process per run.</summary>
    private async Task<(LoadResult[]? At32, LoadResult[]? At1, string Name)> MoleculerAsync()
    {
        var directory = Path.Combine(root, "bench", "peers", "moleculer");
        var nats = File.Exists("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : File.Exists("/usr/bin/nats-server") ? "/usr/bin/nats-server" : null;
        if (nats is null)
        {
            return (null, null, "Moleculer (NATS): could not run (nats-server is not installed)");
        }

        if (!File.Exists(Path.Combine(directory, "node_modules", "moleculer", "package.json")) || Machine.Version("node", "--version") is null)
        {
            return (null, null, "Moleculer (NATS): could not run (node or the moleculer package is not installed)");
        }

        try
        {
            var natsPort = ServerProcess.FreePort();
            var natsUrl = $"nats://127.0.0.1:{natsPort}";
            await using var broker = await ServerProcess.StartAsync(nats, ["-a", "127.0.0.1", "-p", natsPort.ToString(CultureInfo.InvariantCulture), "-m", "{port}"], "/healthz");
            await using var service = await ServerProcess.StartAsync("node", ["server.js", natsUrl], null, directory, readyLine: "ready");
            var version = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "node_modules", "moleculer", "package.json"))).RootElement.GetProperty("version").GetString();
            var warm = _warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            var seconds = _measure.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            var at32 = await RunsAsync(() => MoleculerClientAsync(directory, natsUrl, 32, seconds, warm));
            var at1 = await RunsAsync(() => MoleculerClientAsync(directory, natsUrl, 1, seconds, warm));
            return (at32, at1, $"Moleculer {version} (NATS)");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Text.Json.JsonException)
        {
            return (null, null, $"Moleculer (NATS): could not run ({ex.Message.Split('\n')[0]})");
        }
    }

    private static async Task<LoadResult> MoleculerClientAsync(string directory, string natsUrl, int concurrency, string seconds, string warmup)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "client.js", natsUrl, concurrency.ToString(CultureInfo.InvariantCulture), seconds, warmup })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("the Moleculer client failed: " + errors.Trim());
        }

        var result = System.Text.Json.JsonDocument.Parse(output).RootElement;
        return LoadResult.FromSummary(
            result.GetProperty("requests").GetInt64(),
            result.GetProperty("errors").GetInt64(),
            TimeSpan.FromSeconds(result.GetProperty("seconds").GetDouble()),
            result.GetProperty("p50us").GetDouble(),
            result.GetProperty("p99us").GetDouble());
    }

    private async Task ShopRowsAsync()
    {
        Log("row 5: Shop fan-out, monolith vs micro");
        var shop = Path.Combine(root, "samples", "Shop", "bin", "Release", "net10.0", "Shop.dll");
        var servers = new List<ServerProcess>();
        try
        {
            if (!File.Exists(shop))
            {
                throw new InvalidOperationException($"{shop} is not built (bench/run builds it)");
            }

            // Both placements run side by side (each with its own secret, so neither discovers the other's services) and
            // are measured in interleaved rounds, so that the machine's slow moments fall on both alike.
            var monolith = await StartShopAsync(shop, ["all"], servers);
            var micro = await StartShopAsync(shop, ["account", "calculator", "home"], servers);
            ShopPlacement[] placements = [monolith, micro];
            foreach (var placement in placements)
            {
                await HttpLoadGenerator.ClosedLoopAsync(placement.Home, placement.Request, 32, _settle, _cancel);
            }

            for (var round = 0; round < Runs; round++)
            {
                foreach (var placement in placements)
                {
                    placement.P50s.Add(Checked(await HttpLoadGenerator.ClosedLoopAsync(placement.Home, placement.Request, 1, _measure, _cancel)).PercentileMicroseconds(50));
                }
            }

            for (var round = 0; round < Runs; round++)
            {
                foreach (var placement in placements)
                {
                    var before = placement.Servers.Sum(static s => s.CpuTime.TotalSeconds);
                    var result = Checked(await HttpLoadGenerator.ClosedLoopAsync(placement.Home, placement.Request, 32, _measure, _cancel));
                    placement.Cpus.Add((placement.Servers.Sum(static s => s.CpuTime.TotalSeconds) - before) / result.Requests * 1000);
                }
            }

            const string Measure = "Shop GET /profile/1 (home asks account and calculator)";
            _rows.Add(Row("5", $"{Measure}: median us at 1 connection, median of the rounds (lower is better; target: monolith at least 10x lower)",
                $"monolith: {monolith.P50:N0}", $"micro, 3 processes: {micro.P50:N0}", "monolith / micro: " + Rounds(monolith.P50s, micro.P50s), "-"));
            _rows.Add(Row("5", $"{Measure}: CPU seconds per 1,000 requests at 32 connections, median of the rounds (lower is better; target: at least 8x lower)",
                $"monolith: {monolith.Cpu:0.000}", $"micro, 3 processes: {micro.Cpu:0.000}", "monolith / micro: " + Rounds(monolith.Cpus, micro.Cpus), "-"));
            Log($"  monolith p50 {monolith.P50:N0} us, {monolith.Cpu:0.000} CPU s/1k; micro p50 {micro.P50:N0} us, {micro.Cpu:0.000} CPU s/1k");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            _failures.Add("row 5: " + ex.Message);
            _rows.Add(Row("5", "Shop fan-out", "could not run: " + ex.Message.Split('\n')[0], "-", "-", "-"));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the Shop in one placement (one process per entry of <paramref name="placements"/>), home last.</summary>
    private static async Task<ShopPlacement> StartShopAsync(string shop, string[] placements, List<ServerProcess> started)
    {
        var secret = "bench-" + Guid.NewGuid().ToString("N");
        var directory = Path.GetDirectoryName(shop)!;
        var servers = new List<ServerProcess>();
        for (var i = 0; i < placements.Length; i++)
        {
            var last = i == placements.Length - 1;
            var server = await ServerProcess.StartAsync(
                Environment.ProcessPath!,
                [shop, "--services", placements[i], "--listen", "tcp://127.0.0.1:{port}", "--secret", secret, "--Logging:LogLevel:Default=Warning"],
                last ? "/profile/1" : "/_micron/health/alive",
                directory);
            started.Add(server);
            servers.Add(server);
        }

        return new ShopPlacement(servers);
    }

    /// <summary>One placement of the Shop in row 5, and what it measured.</summary>
    private sealed class ShopPlacement(List<ServerProcess> servers)
    {
        public List<ServerProcess> Servers { get; } = servers;

        public Uri Home => Servers[^1].Url;

        public byte[] Request { get; } = RawHttpConnection.EncodeRequest(new Uri(servers[^1].Url, "/profile/1"));

        public List<double> P50s { get; } = [];

        public List<double> Cpus { get; } = [];

        public double P50 => Median(P50s);

        public double Cpu => Median(Cpus);
    }

    /// <summary>Runs <paramref name="first"/> and <paramref name="second"/> in turn, <see cref="Runs"/> rounds.</summary>
    private static async Task<(LoadResult[] First, LoadResult[] Second)> InterleavedAsync(Func<Task<LoadResult>> first, Func<Task<LoadResult>> second)
    {
        var (a, b) = (new LoadResult[Runs], new LoadResult[Runs]);
        for (var i = 0; i < Runs; i++)
        {
            a[i] = Checked(await first());
            b[i] = Checked(await second());
        }

        return (a, b);
    }

    /// <summary>The median of the rounds' paired ratios, then each round's.</summary>
    private static string Rounds(IEnumerable<double> micron, IEnumerable<double> baseline)
    {
        var ratios = micron.Zip(baseline, static (m, b) => m / b).ToList();
        return $"{Ratio(Median(ratios), 1)} (rounds: {string.Join(" ", ratios.Select(static r => Ratio(r, 1)))})";
    }

    private static LoadResult Checked(LoadResult result)
        => result.Errors > 0 ? throw new InvalidOperationException($"{result.Errors} of {result.Requests} calls failed") : result;

    private static async Task<LoadResult[]> RunsAsync(Func<Task<LoadResult>> run)
    {
        var results = new LoadResult[Runs];
        for (var i = 0; i < Runs; i++)
        {
            results[i] = Checked(await run());
        }

        return results;
    }

    private static double Median(LoadResult[] results, Func<LoadResult, double> pick) => Median(results.Select(pick));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    // The open-loop rate is half of what the baseline sustains: a load every server should carry, so p99 shows queuing, not collapse.
    private static double OpenLoopRate(double baselineRps) => Math.Max(100, Math.Round(baselineRps / 200) * 100);

    private static async Task<double> MedianAsync(Func<Task<LoadResult>> run, Func<LoadResult, double> pick)
    {
        var values = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var result = await run();
            if (result.Errors > 0)
            {
                throw new InvalidOperationException($"{result.Errors} of {result.Requests} requests failed");
            }

            values[i] = pick(result);
        }

        Array.Sort(values);
        return values[Runs / 2];
    }

    private void NotBuilt(int row, string measure, string against, int? issue)
        => _rows.Add(Row(row.ToString(CultureInfo.InvariantCulture), measure, issue is { } n ? $"not built yet (issue {n})" : "not built yet", against, "-", "-"));

    private string Render(TimeSpan elapsed)
    {
        var text = new StringBuilder()
            .AppendLine("# Micron against its baselines and peers")
            .AppendLine()
            .AppendLine($"Machine: {Machine.Describe()}.")
            .AppendLine()
            .AppendLine($"Mode: {(quick ? "quick (smoke run; figures are not comparable)" : "full")}; every figure is the median of {Runs} runs "
                + $"of {_measure.TotalSeconds:0.#} s after {_warmup.TotalSeconds:0.#} s of warm-up ({_settle.TotalSeconds:0.#} s for every side of rows 3, 4, 5 and 8; "
                + $"those rows measure Micron, its baseline and its peers in interleaved rounds, each in turn, {Runs} of them ({(quick ? Runs : 5)} for row 4's throughput and CPU), "
                + "and their ratio is the median of the rounds' ratios, each round's shown after it); servers pinned to CPU 0 (.NET ones with DOTNET_TC_DelaySingleProcMultiplier=1) and the load generator to CPU 1; "
                + $"the whole run took {elapsed.TotalSeconds:0} s. Ratios are Micron / baseline.")
            .AppendLine()
            .AppendLine("| # | measure | Micron | baseline | ratio | peers |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var row in _rows)
        {
            text.AppendLine(row);
        }

        return text.ToString();
    }

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new InvalidOperationException(failure);
            }

            await Task.Delay(50);
        }
    }

    private static string Row(string number, string measure, string micron, string baseline, string ratio, string peers)
        => $"| {number} | {measure} | {micron} | {baseline} | {ratio} | {peers} |";

    private static string Ratio(double value, double baseline) => (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "x";

    private static void PinToCpu(int cpu)
    {
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) && Environment.ProcessorCount > cpu)
        {
            Process.GetCurrentProcess().ProcessorAffinity = 1 << cpu;
        }
    }

    private sealed record Measured(double Rps, double P50, double P99);

    /// <summary>A server measured in row 2: the baseline, a Micron server, or a peer (whose absence is not a failure).</summary>
    private sealed class Target(string name, bool isPeer, Func<Task<ServerProcess>>? start, string? missing)
    {
        public string Name { get; } = name;

        public bool IsPeer { get; } = isPeer;

        public Func<Task<ServerProcess>>? Start { get; } = start;

        public string? Failure { get; set; } = missing;

        public Measured? Result { get; set; }
    }

    private static void Log(string message) => Console.WriteLine($"[{DateTimeOffset.Now:HH:mm:ss}] {message}");
}
