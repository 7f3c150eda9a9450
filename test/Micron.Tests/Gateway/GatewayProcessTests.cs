using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Micron.Tests.Gateway;

/// <summary>
/// A gateway as a real process (<c>micron gateway</c>), where what is measured belongs to the process: its file
/// descriptors and its resident memory.
/// </summary>
public sealed class GatewayProcessTests(ITestOutputHelper output)
{
    private const string Alive = "/_micron/health/alive";

    /// <summary>How soon a gateway answers once descriptors are free again: Kestrel's accept loop takes a tenth of a second.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(5);

    private static readonly string Cli = Path.Combine(Repository.OutputOf("src/Micron.Cli"), "Micron.Cli.dll");

    [Fact]
    public async Task Issue_14_DescriptorsExhausted_TheGatewayAnswersAgainOnceTheyAreFree()
    {
        await using var gateway = HostProcess.StartDll(Cli, ["gateway", "--listen", "tcp://127.0.0.1:0", "--secret", TestHost.NewSecret()]);
        var address = await gateway.WaitForListeningAsync();
        using (var warm = new HttpClient { BaseAddress = address })
        {
            (await warm.GetStringAsync(Alive)).ShouldBe("ok");
        }

        // Room for 64 more descriptors, then more idle connections than the limit: accepting fails with EMFILE a while.
        var limit = OpenDescriptors(gateway.Id) + 64;
        await LimitDescriptorsAsync(gateway.Id, limit);
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < limit + 64; i++)
            {
                var client = new TcpClient();
                idle.Add(client);
                try
                {
                    await client.ConnectAsync(address.Host, address.Port);
                }
                catch (SocketException)
                {
                    break; // refused: the gateway is gone, which the wait below reports
                }
            }

            await Eventually.TrueAsync(() => Exhausted(gateway.Id, limit), $"the gateway using all {limit} descriptors", TimeSpan.FromSeconds(15));
        }
        finally
        {
            foreach (var client in idle)
            {
                client.Dispose();
            }
        }

        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
                    try
                    {
                        return (await client.GetAsync(Alive)).StatusCode == HttpStatusCode.OK;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        return false;
                    }
                },
                $"{Alive} answering again once the idle connections closed",
                Recovery);
        }
        catch (TimeoutException ex)
        {
            throw new ShouldAssertException($"{ex.Message}; the gateway's last words:\n{Tail(gateway.StandardOutput)}\n{Tail(gateway.StandardError)}", ex);
        }
    }

    [Fact]
    public async Task Upload_OfOneGibibyte_StreamsThroughInFlatMemory()
    {
        const long Gibibyte = 1024L * 1024 * 1024;
        string[] common = ["--secret", TestHost.NewSecret(), "--heartbeat", "500ms", "--Micron:Gateway:MaxRequestBodySize=0"];
        await using var backend = await TestHost.StartAsync(
            static b => b.Services.AddSingleton(new BackendProbe()).AddMicron().AddService<BackendService>().AddGateway(), ["--services", "backend", .. common]);
        await using var gateway = HostProcess.StartDll(Cli, ["gateway", "--listen", "tcp://127.0.0.1:0", .. common]);
        using var client = new HttpClient { BaseAddress = await gateway.WaitForListeningAsync(), Timeout = TimeSpan.FromMinutes(5) };
        await Eventually.TrueAsync(
            async () => (await client.PostAsync("/upload", new RepeatedContent(1024 * 1024))).IsSuccessStatusCode, "the gateway forwarding /upload", TimeSpan.FromSeconds(30));

        // Warm: the path's code compiled and its buffers pooled before the baseline.
        (await (await client.PostAsync("/upload", new RepeatedContent(64 * 1024 * 1024))).Content.ReadAsStringAsync()).ShouldBe("67108864");
        var start = ResidentMegabytes(gateway.Id);
        var peak = start;
        var upload = client.PostAsync("/upload", new RepeatedContent(Gibibyte));
        while (!upload.IsCompleted)
        {
            peak = Math.Max(peak, ResidentMegabytes(gateway.Id));
            await Task.WhenAny(upload, Task.Delay(50));
        }

        output.WriteLine($"the gateway's VmRSS: {start} MB before the upload, {peak} MB at most during it");
        (await (await upload).Content.ReadAsStringAsync()).ShouldBe(Gibibyte.ToString(CultureInfo.InvariantCulture));
        (peak - start).ShouldBeLessThan(150, $"the gateway's VmRSS went from {start} MB to {peak} MB during the upload");
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(10));

    // Whether the process holds about all the descriptors it may, or is gone (which the wait for an answer reports).
    private static bool Exhausted(int pid, int limit)
    {
        try
        {
            return OpenDescriptors(pid) >= limit - 8;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
    }

    private static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    private static long ResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task LimitDescriptorsAsync(int pid, int limit)
    {
        using var prlimit = Process.Start("prlimit", ["--pid", pid.ToString(CultureInfo.InvariantCulture), $"--nofile={limit}:{limit}"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await prlimit.WaitForExitAsync(timeout.Token);
        prlimit.ExitCode.ShouldBe(0);
    }

    /// <summary>A body of zeros of the given length, written from one small buffer: the test holds none of it.</summary>
    private sealed class RepeatedContent(long size) : HttpContent
    {
        private static readonly byte[] Block = new byte[64 * 1024];

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var left = size; left > 0; left -= Block.Length)
            {
                await stream.WriteAsync(Block.AsMemory(0, (int)Math.Min(Block.Length, left)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }
    }
}
