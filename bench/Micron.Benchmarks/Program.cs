using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Micron.Benchmarks.Load;
using Micron.Benchmarks.Runner;

// run [--quick] [--out FILE] [--rows 2,3]  the side-by-side table of bench/run (--rows: only those rows)
// serve KIND PORT [ARGS]                one server under test (started by `run`): bare, route, micro, rpc, rpc-baseline, gateway-backend, gateway
// load URL [-c N] [-d SECONDS] [-r RATE] [-H "Name: value" ...] closed-loop (or, with a rate, open-loop) HTTP load
// load-ws URL [-c N] [-d SECONDS]       closed-loop WebSocket echo load (row 8's), e.g. ws://127.0.0.1:PORT/echo/socket
// probe-rpc CONCURRENCY SECONDS [CASE]  where remote-call time goes: calls/s and server and client CPU per call, four ways
// anything else                         BenchmarkDotNet (--filter '*', --quick)
switch (args.FirstOrDefault())
{
    case "run":
        var root = RepositoryRoot();
        var quick = args.Contains("--quick");
        var output = Option("--out") ?? Path.Combine(root, "bench", "results", quick ? "quick.md" : "latest.md");
        var rows = Option("--rows")?.Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToHashSet();
        return await new BenchRun(quick, Path.GetFullPath(output), root, rows).RunAsync();
    case "serve":
        return await BenchServers.ServeAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3..]);
    case "probe-rpc":
        return await RpcProbe.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), double.Parse(args[2], CultureInfo.InvariantCulture), args.Length > 3 ? args[3] : null);
    case "load":
        var target = new Uri(args[1]);
        var connections = int.Parse(Option("-c") ?? "32", CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(double.Parse(Option("-d") ?? "5", CultureInfo.InvariantCulture));
        var request = RawHttpConnection.EncodeRequest(target, headers: args.Select((a, i) => (a, i)).Where(p => p.a == "-H" && p.i + 1 < args.Length).Select(p => args[p.i + 1]));
        var result = Option("-r") is { } rate
            ? await HttpLoadGenerator.OpenLoopAsync(target, request, connections, double.Parse(rate, CultureInfo.InvariantCulture), duration, CancellationToken.None)
            : await HttpLoadGenerator.ClosedLoopAsync(target, request, connections, duration, CancellationToken.None);
        Console.WriteLine(result);
        return 0;
    case "load-ws":
        var echo = await WebSocketLoadGenerator.EchoAsync(
            new Uri(args[1]),
            int.Parse(Option("-c") ?? "32", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Option("-d") ?? "5", CultureInfo.InvariantCulture)),
            CancellationToken.None);
        Console.WriteLine(echo);
        return 0;
    default:
        // In-process toolchain: the generated-project toolchain would restore against the partial package mirror.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(args.Contains("--quick") ? 3 : 30);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run([.. args.Where(a => a != "--quick")], DefaultConfig.Instance.AddJob(job));
        return 0;
}

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Micron.slnx")))
        {
            return dir.FullName;
        }
    }

    return Environment.CurrentDirectory;
}
