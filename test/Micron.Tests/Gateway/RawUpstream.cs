using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Micron.Tests.Gateway;

/// <summary>A TCP server that answers every connection with the same bytes and closes it: garbage, or half an answer.</summary>
public sealed class RawUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RawUpstream(TcpListener listener, byte[] answer)
    {
        _listener = listener;
        _loop = ServeAsync(answer);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public static Task<RawUpstream> StartAsync(string answer)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new RawUpstream(listener, Encoding.ASCII.GetBytes(answer)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ServeAsync(byte[] answer)
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var buffer = new byte[8192];
            _ = await stream.ReadAsync(buffer, _stop.Token); // the request head, enough for these tests
            await stream.WriteAsync(answer, _stop.Token);
            client.Client.LingerState = new LingerOption(true, 0);
        }
    }
}
