using Micron.Security;
using Micron.Security.Internal;

namespace Micron.Rpc.Internal;

/// <summary>The host's one client for host-to-host traffic: pooled keep-alive connections, every request signed.</summary>
internal sealed class MicronHttpClient : IDisposable
{
    public MicronHttpClient(MicronKeyRing keys, TimeProvider time, Microsoft.Extensions.Options.IOptions<Hosting.MicronOptions> options)
        : this(keys, time, Hosting.Internal.InternalTls.Apply(
            new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                UseCookies = false,
            },
            options.Value))
    {
    }

    /// <summary>A client over another transport (benchmarks measure the client's own cost over an in-memory one).</summary>
    internal MicronHttpClient(MicronKeyRing keys, TimeProvider time, HttpMessageHandler transport)
    {
        // Deadlines are per call (Micron-Timeout), so the client itself never times out.
        Client = new HttpClient(new SigningHandler(keys, time, transport)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
