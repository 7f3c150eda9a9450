using System.Net;
using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using Micron.Discovery;
using Micron.Hosting;
using Micron.Rpc.Internal;
using Micron.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Micron.Benchmarks;

/// <summary>
/// The caller's own cost of one remote call, over an in-memory transport that answers at once: what the typed proxy,
/// the signing client and a plain HttpClient spend before and after the wire.
/// </summary>
[MemoryDiagnoser]
public class RemoteCallerBenchmarks
{
    private static readonly byte[] Envelope = """{"args":{"productId":42}}"""u8.ToArray();
    private static readonly Uri Target = new("http://127.0.0.1:9/_micron/rpc/quote/GetQuote");
    private HttpClient _plain = null!;
    private HttpClient _signed = null!;
    private IQuote _proxy = null!;

    [GlobalSetup]
    public void Setup()
    {
        var keys = new MicronKeyRing([new MicronKey("bench-" + Guid.NewGuid().ToString("N"))]);
        var options = Options.Create(new MicronOptions());
        var registry = new ServiceRegistry(TimeProvider.System, NullLogger<ServiceRegistry>.Instance);
        registry.Apply(new Announcement { Service = "quote", Version = "1", Instance = "q1", Url = "http://127.0.0.1:9", Ttl = 600_000 });
        _plain = new HttpClient(new Answer());
        _signed = new MicronHttpClient(keys, TimeProvider.System, new Answer()).Client;
        var caller = new RemoteCaller(
            registry,
            new InstanceHealth(TimeProvider.System, options),
            new MicronHttpClient(keys, TimeProvider.System, new Answer()),
            options,
            Options.Create(new Microsoft.AspNetCore.Http.Json.JsonOptions()));
        _proxy = (IQuote)ContractProxy.Create(typeof(IQuote), "quote", caller);
    }

    [Benchmark(Baseline = true, Description = "HttpClient, JSON in and out")]
    public async Task<Quote?> Plain()
    {
        using var response = await _plain.PostAsJsonAsync(Target, new QuoteRequest(42));
        return await response.Content.ReadFromJsonAsync<Quote>();
    }

    [Benchmark(Description = "signing HttpClient, JSON out")]
    public async Task<Quote?> Signed()
    {
        using var content = new ByteArrayContent(Envelope);
        using var response = await _signed.PostAsync(Target, content);
        return await response.Content.ReadFromJsonAsync<Quote>();
    }

    [Benchmark(Description = "typed proxy")]
    public Task<Quote> Proxy() => _proxy.GetQuote(42);

    /// <summary>Answers every request at once with a quote.</summary>
    private sealed class Answer : HttpMessageHandler
    {
        private static readonly byte[] Body = """{"productId":42,"price":63.0}"""u8.ToArray();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(Body) { Headers = { ContentType = new("application/json") } },
                RequestMessage = request,
            });
    }
}
