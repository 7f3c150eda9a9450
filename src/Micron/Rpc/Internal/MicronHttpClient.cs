using Micron.Security;
using Micron.Security.Internal;

namespace Micron.Rpc.Internal;

/// <summary>The host's one client for host-to-host traffic: pooled keep-alive connections, every request signed.</summary>
internal sealed class MicronHttpClient : IDisposable
{
    public MicronHttpClient(MicronKeyRing keys, TimeProvider time)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
        };

        // Deadlines are per call (Micron-Timeout), so the client itself never times out.
        Client = new HttpClient(new SigningHandler(keys, time, sockets)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
