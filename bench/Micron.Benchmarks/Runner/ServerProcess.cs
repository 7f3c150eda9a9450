using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Micron.Benchmarks.Runner;

/// <summary>A server under test in its own process, pinned to CPU 0 when <c>taskset</c> is there.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _errors = new();
    private readonly TaskCompletionSource _readyLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, Uri url, string? readyLine)
    {
        _process = process;
        Url = url;
        process.ErrorDataReceived += (_, e) => { lock (_errors) { _errors.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) =>
        {
            if (readyLine is not null && e.Data?.Contains(readyLine, StringComparison.Ordinal) == true)
            {
                _readyLine.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public Uri Url { get; }

    public int Id => _process.Id;

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts a server; it is ready when <paramref name="readyPath"/> answers 2xx, or, without one, when it prints <paramref name="readyLine"/>.</summary>
    public static async Task<ServerProcess> StartAsync(
        string fileName, IEnumerable<string> args, string? readyPath, string? workingDirectory = null, string? readyLine = null, Action<int>? prepare = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        prepare?.Invoke(port); // a server configured by file (nginx) writes its port there
        var expanded = args.Select(a => a.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToList();
        var pin = OperatingSystem.IsLinux() && Environment.ProcessorCount > 1 && File.Exists("/usr/bin/taskset");
        var info = new ProcessStartInfo(pin ? "/usr/bin/taskset" : fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        if (pin)
        {
            // Pinned to one CPU, .NET waits ten times longer (1 s instead of 100 ms, restarted whenever new code is
            // compiled) before it recompiles hot methods with full optimization: a server would take tens of seconds
            // of load to reach the speed it has on more CPUs. Every .NET server here, Micron's and the baselines',
            // gets the same setting; it does nothing to nginx and Node.
            info.Environment.TryAdd("DOTNET_TC_DelaySingleProcMultiplier", "1");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("0");
            info.ArgumentList.Add(fileName);
        }

        foreach (var arg in expanded)
        {
            info.ArgumentList.Add(arg);
        }

        var server = new ServerProcess(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}"), readyLine);
        if (readyPath is not null)
        {
            await server.WaitUntilReadyAsync(readyPath);
        }
        else
        {
            await server.WaitForLineAsync();
        }

        return server;
    }

    /// <summary>Kills the server at once (SIGKILL), as a crashed machine would stop answering.</summary>
    public void Kill() => _process.Kill();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitForLineAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_readyLine.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != _readyLine.Task)
        {
            string errors;
            lock (_errors)
            {
                errors = _errors.ToString().Trim();
            }

            throw new InvalidOperationException($"the server did not become ready: {(errors.Length > 0 ? errors : "no output")}");
        }
    }

    private async Task WaitUntilReadyAsync(string readyPath)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                break;
            }

            try
            {
                using var response = await client.GetAsync(new Uri(Url, readyPath));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        string errors;
        lock (_errors)
        {
            errors = _errors.ToString().Trim();
        }

        throw new InvalidOperationException($"the server did not become ready: {(errors.Length > 0 ? errors : "no output")}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
