using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Micron.Benchmarks.Load;
using Micron.Discovery;
using Micron.Hosting;
using Micron.Rpc.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Benchmarks.Runner;

internal static class RpcProbe
{
    public static async Task<int> RunAsync(int concurrency, double seconds, string? only = null)
    {
        var self = typeof(BenchRun).Assembly.Location;
        var dotnet = Environment.ProcessPath!;
        var secret = "bench-" + Guid.NewGuid().ToString("N");
        await using var micronServer = await ServerProcess.StartAsync(dotnet, [self, "serve", "rpc", "{port}", "--secret", secret], "/_micron/health/alive");
        await using var baselineServer = await ServerProcess.StartAsync(dotnet, [self, "serve", "rpc-baseline", "{port}"], "/hello/ready");
        var builder = MicronApplication.CreateBuilder(["--services", "none", "--secret", secret, "--listen", "tcp://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        builder.Services.AddMicron().AddService<QuoteService>();
        await using var caller = builder.Build();
        await caller.StartAsync();
        var registry = caller.Services.GetRequiredService<ServiceRegistry>();
        while (registry.InstancesOf("quote").Count == 0) { await Task.Delay(50); }
        var quote = caller.Services.GetRequiredService<IQuote>();
        using var http = new HttpClient { BaseAddress = baselineServer.Url };
        using var plain = new HttpClient();
        plain.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var signed = caller.Services.GetRequiredService<MicronHttpClient>().Client;
        var remote = caller.Services.GetRequiredService<RemoteCaller>();
        var key = new Micron.Security.MicronKey(secret);
        using var unsigned = new HttpClient();
        var rpc = new Uri(micronServer.Url, "/_micron/rpc/quote/GetQuote");
        var envelope = """{"args":{"productId":42}}"""u8.ToArray();
        var cases = new (string Name, Func<Task> Call, ServerProcess Server)[]
        {
            ("baseline", async () => { using var r = await http.PostAsJsonAsync("/quote", new QuoteRequest(42)); _ = await r.Content.ReadFromJsonAsync<Quote>(); }, baselineServer),
            ("proxy", () => quote.GetQuote(42), micronServer),
            ("signed raw", async () => { using var c = new ByteArrayContent(envelope); c.Headers.ContentType = new MediaTypeHeaderValue("application/json"); using var r = await signed.PostAsync(rpc, c); _ = await r.Content.ReadFromJsonAsync<Quote>(); }, micronServer),
            ("signed+cts", async () => { using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)); using var c = new ByteArrayContent(envelope); c.Headers.ContentType = new MediaTypeHeaderValue("application/json"); using var r = await signed.PostAsync(rpc, c, cts.Token); _ = await r.Content.ReadFromJsonAsync<Quote>(); }, micronServer),
            ("caller", () => remote.PostAsync("quote", "/_micron/rpc/quote/GetQuote", envelope, typeof(Quote), false, "quote.GetQuote", default), micronServer),
            ("hand-signed", async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, rpc) { Content = new ByteArrayContent(envelope) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("Micron-Signature", Micron.Security.MicronSignature.Create(key, "POST", Micron.Security.MicronSignature.AudienceOf(rpc), rpc.PathAndQuery, envelope, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
                using var r = await unsigned.SendAsync(request);
                _ = await r.Content.ReadFromJsonAsync<Quote>();
            }, micronServer),
            ("bearer raw", async () => { using var c = new ByteArrayContent(envelope); c.Headers.ContentType = new MediaTypeHeaderValue("application/json"); using var r = await plain.PostAsync(rpc, c); _ = await r.Content.ReadFromJsonAsync<Quote>(); }, micronServer),
        };
        long exceptions = 0;
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => { if (Interlocked.Increment(ref exceptions) < 4) { Console.WriteLine("first chance: " + e.Exception.GetType().Name + ": " + e.Exception.Message); } };
        Console.WriteLine($"client pid {Environment.ProcessId}, Micron server pid {micronServer.Id}, baseline server pid {baselineServer.Id}");
        foreach (var (name, call, server) in cases.Where(c => only is null || c.Name == only))
        {
            Interlocked.Exchange(ref exceptions, 0);
            await CallLoadGenerator.RunAsync(call, concurrency, TimeSpan.FromSeconds(1));
            var serverCpu = server.CpuTime;
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await CallLoadGenerator.RunAsync(call, concurrency, TimeSpan.FromSeconds(seconds));
            var s = (server.CpuTime - serverCpu).TotalMicroseconds / result.Requests;
            var c = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalMicroseconds / result.Requests;
            Console.WriteLine($"{name,-12} {result.RequestsPerSecond,8:N0}/s  p50 {result.PercentileMicroseconds(50),7:N0}us  server {s,6:N1}us/call  client {c,6:N1}us/call  errors {result.Errors}  client exceptions {Interlocked.Read(ref exceptions)}");
        }

        return 0;
    }
}
