using System.Net;
using System.Net.Sockets;
using System.Text;
using Micron.Tests.Support;

namespace Micron.Tests.Hosting;

/// <summary>The Hello sample as a real process: listening, bad endpoints, signals.</summary>
public class HostProcessTests
{
    [Theory]
    [InlineData("foobar://localhost", "micron: Unknown --listen endpoint scheme (protocol): foobar:")]
    [InlineData("unix:", "micron: Invalid UNIX domain socket endpoint: unix:")]
    [InlineData("nonsense", "micron: Invalid URL: nonsense")]
    [InlineData("https://localhost", "micron: Invalid URL: https://localhost")]
    [InlineData("https://localhost:99999", "micron: Invalid URL: https://localhost:99999")]
    [InlineData("https://", "micron: Invalid URL: https://")]
    public async Task BadListenUri_ExitsWith1AndMicrosMessage(string uri, string message)
    {
        await using var process = HostProcess.Start("Hello", ["--listen", uri]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.StandardError.ShouldContain(message);
    }

    [Fact]
    public async Task BadPort_ExitsWith1()
    {
        await using var process = HostProcess.Start("Hello", [], new Dictionary<string, string> { ["PORT"] = "eighty" });

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.StandardError.ShouldContain("micron: Invalid PORT: eighty");
    }

    [Fact]
    public async Task PortVariable_IsHonoured()
    {
        var port = Ports.Free();
        await using var process = HostProcess.Start("Hello", [], new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var url = await process.WaitForListeningAsync();

        url.Port.ShouldBe(port);
        using var client = new HttpClient();
        (await client.GetStringAsync($"http://127.0.0.1:{port}/")).ShouldBe("Welcome to Micron!");
    }

    [Fact]
    public async Task SeveralEndpoints_TcpAndUnixSocket_AllServe()
    {
        var socketPath = Path.Combine(Path.GetTempPath(), $"micron-{Guid.NewGuid():N}.sock");
        await using var process = HostProcess.Start("Hello", ["-l", "tcp://127.0.0.1:0", "-l", "unix:" + socketPath]);
        var url = await process.WaitForListeningAsync();
        await process.WaitForOutputAsync(l => l.Contains(socketPath, StringComparison.Ordinal));

        using var tcp = new HttpClient { BaseAddress = url };
        (await tcp.GetStringAsync("/")).ShouldBe("Welcome to Micron!");

        using var unix = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        var response = await unix.PostAsync("http://localhost/", new StringContent("""{"name":"socket"}""", Encoding.UTF8, "application/json"));
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"hello":"socket"}""");
    }

    [Fact]
    public async Task StaleUnixSocketFile_IsReplaced()
    {
        var socketPath = Path.Combine(Path.GetTempPath(), $"micron-{Guid.NewGuid():N}.sock");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(socketPath)); // bound, never listening: what a crashed process leaves
        }

        await using var process = HostProcess.Start("Hello", ["-l", "unix:" + socketPath]);

        await process.WaitForOutputAsync(l => l.Contains(socketPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigterm_DrainsTheRequestInFlight_ThenExits0()
    {
        await using var process = HostProcess.Start("Hello", ["-l", "tcp://127.0.0.1:0"]);
        var url = await process.WaitForListeningAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, url.Port);
        var body = Encoding.UTF8.GetBytes("""{"name":"draining"}""");

        // Half a request is in flight when the signal arrives; it must still be answered.
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
        await socket.SendAsync(body.AsMemory(0, 5));
        process.Signal("TERM");
        await process.WaitForOutputAsync(l => l.Contains("Gracefully shutting down", StringComparison.Ordinal));
        await socket.SendAsync(body.AsMemory(5));

        var answer = await ReceiveAsync(socket);
        answer.ShouldStartWith("HTTP/1.1 200 OK");
        answer.ShouldEndWith("""{"hello":"draining"}""");
        (await process.WaitForExitAsync()).ShouldBe(0);
    }


    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!text.ToString().EndsWith('}'))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
