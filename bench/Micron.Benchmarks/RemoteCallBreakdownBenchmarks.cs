using System.Net.Http.Headers;
using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using Micron.Discovery;
using Micron.Hosting;
using Micron.Rpc.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Benchmarks;

/// <summary>
/// Where a remote call's time goes, one call at a time over real Kestrel on loopback (client and servers in this
/// process): the hand-written baseline, the RPC endpoint with the secret and with a signature, and the typed proxy.
/// </summary>
[MemoryDiagnoser]
public class RemoteCallBreakdownBenchmarks
{
    private static readonly byte[] Envelope = """{"args":{"productId":42}}"""u8.ToArray();
    private readonly string _secret = "bench-" + Guid.NewGuid().ToString("N");
    private WebApplication _baseline = null!;
    private MicronApplication _server = null!;
    private MicronApplication _caller = null!;
    private HttpClient _plain = null!;
    private HttpClient _signed = null!;
    private IQuote _proxy = null!;
    private Uri _rpc = null!;

    // Synchronous: BenchmarkDotNet's in-process toolchain does not wait for an asynchronous setup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var baseline = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        baseline.Logging.ClearProviders();
        _baseline = baseline.Build();
        _baseline.MapPost("/quote", (QuoteRequest request) => new Quote(request.ProductId, request.ProductId * 1.5m));
        await _baseline.StartAsync();

        _server = await StartAsync("quote");
        _caller = await StartAsync("none");
        var registry = _caller.Services.GetRequiredService<ServiceRegistry>();
        while (registry.InstancesOf("quote").Count == 0)
        {
            await Task.Delay(20);
        }

        _proxy = _caller.Services.GetRequiredService<IQuote>();
        _signed = _caller.Services.GetRequiredService<MicronHttpClient>().Client;
        _plain = new HttpClient { BaseAddress = new Uri(_baseline.Urls.First()) };
        _plain.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _secret);
        _rpc = new Uri(new Uri(_server.Urls[0]), "/_micron/rpc/quote/GetQuote");
    }

    private async Task CleanupAsync()
    {
        _plain.Dispose();
        await _caller.DisposeAsync();
        await _server.DisposeAsync();
        await _baseline.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "HttpClient + minimal API")]
    public async Task<Quote?> Baseline()
    {
        using var response = await _plain.PostAsJsonAsync("/quote", new QuoteRequest(42));
        return await response.Content.ReadFromJsonAsync<Quote>();
    }

    [Benchmark(Description = "HttpClient + RPC endpoint, secret")]
    public async Task<Quote?> RpcWithSecret()
    {
        using var content = new ByteArrayContent(Envelope) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        using var response = await _plain.PostAsync(_rpc, content);
        return await response.Content.ReadFromJsonAsync<Quote>();
    }

    [Benchmark(Description = "signing client + RPC endpoint, signature")]
    public async Task<Quote?> RpcSigned()
    {
        using var content = new ByteArrayContent(Envelope) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        using var response = await _signed.PostAsync(_rpc, content);
        return await response.Content.ReadFromJsonAsync<Quote>();
    }

    [Benchmark(Description = "typed proxy")]
    public Task<Quote> TypedProxy() => _proxy.GetQuote(42);

    private async Task<MicronApplication> StartAsync(string services)
    {
        var builder = MicronApplication.CreateBuilder(["--services", services, "--secret", _secret, "--listen", "tcp://127.0.0.1:0", "--heartbeat", "1s"]);
        builder.Logging.ClearProviders();
        builder.Services.AddMicron().AddService<QuoteService>();
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
