using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Micron.Tests.Support;

/// <summary>A sample running as a real process, with its output collected line by line.</summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private HostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _stdout.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _stderr.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string StandardOutput => string.Join('\n', _stdout);

    public string StandardError => string.Join('\n', _stderr);

    public int Id => _process.Id;

    public static HostProcess Start(string sample, IEnumerable<string> args, IDictionary<string, string>? environment = null)
        => StartDll(Repository.SampleDll(sample), args, environment);

    /// <summary>Starts <c>dotnet DLL ARGS</c> in the DLL's folder.</summary>
    public static HostProcess StartDll(string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        File.Exists(dll).ShouldBeTrue($"{dll} should have been built with the tests");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new HostProcess(Process.Start(info)!);
    }

    /// <summary>Waits for the host to log where it listens and returns the first address of the scheme (<c>http</c> or <c>https</c>).</summary>
    public async Task<Uri> WaitForListeningAsync(TimeSpan? timeout = null, string scheme = "http")
    {
        var line = await WaitForOutputAsync(l => AcceptingPattern().IsMatch(l) && l.Contains(scheme + "://", StringComparison.Ordinal), timeout);
        return new Uri(AcceptingPattern().Match(line).Groups[1].Value);
    }

    public Task<string> WaitForOutputAsync(Func<string, bool> match, TimeSpan? timeout = null) => WaitForLineAsync(_stdout, match, timeout);

    public Task<string> WaitForErrorOutputAsync(Func<string, bool> match, TimeSpan? timeout = null) => WaitForLineAsync(_stderr, match, timeout);

    /// <summary>Standard error once the process has exited, checked to be one line, with no stack trace on standard output.</summary>
    public string SingleErrorLine()
    {
        var error = StandardError;
        error.ShouldNotContain("\n", customMessage: "standard error should be one line:\n" + error);
        StandardOutput.ShouldNotContain("   at ", customMessage: "standard output should hold no stack trace:\n" + StandardOutput);
        return error;
    }

    private async Task<string> WaitForLineAsync(ConcurrentQueue<string> lines, Func<string, bool> match, TimeSpan? timeout)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (deadline.Elapsed < limit)
        {
            var found = lines.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"no matching output after {deadline.Elapsed}; stdout:\n{StandardOutput}\nstderr:\n{StandardError}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal, as an orchestrator stopping the process would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Accepting connections on (\S+)")]
    private static partial Regex AcceptingPattern();
}
