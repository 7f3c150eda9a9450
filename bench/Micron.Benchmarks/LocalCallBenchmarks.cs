using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Micron;
using Micron.Hosting;
using Micron.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Benchmarks;

/// <summary>
/// A contract call resolved by Micron for a local service against the same call on an object the caller created
/// itself. Budget (issue 2): within 1.2x and no extra allocation.
/// </summary>
[MemoryDiagnoser]
public class LocalCallBenchmarks
{
    private IPricing _direct = null!;
    private IPricing _resolved = null!;
    private MicronApplication _app = null!;

    [GlobalSetup]
    public void Setup()
    {
        _direct = new PricingService();
        var builder = MicronApplication.CreateBuilder(["--listen", "tcp://127.0.0.1:0"]);
        builder.Services.AddMicron().AddService<PricingService>();
        _app = builder.Build();
        _resolved = _app.Services.GetRequiredService<IPricing>();
    }

    [GlobalCleanup]
    public void Cleanup() => _app.Dispose();

    // 100 calls an invocation: a single call is a few nanoseconds, below what one measurement resolves steadily.
    private const int Calls = 100;

    [Benchmark(Baseline = true, Description = "direct interface call", OperationsPerInvoke = Calls)]
    public int Direct() => CallMany(_direct);

    [Benchmark(Description = "Micron-resolved contract", OperationsPerInvoke = Calls)]
    public int Resolved() => CallMany(_resolved);

    private static int CallMany(IPricing pricing)
    {
        var sum = 0;
        for (var i = 0; i < Calls; i++)
        {
            sum += pricing.PriceOf(i).GetAwaiter().GetResult();
        }

        return sum;
    }

    [MicronContract("pricing")]
    public interface IPricing
    {
        ValueTask<int> PriceOf(int productId, CancellationToken cancellationToken = default);
    }

    public sealed class PricingService : MicronService, IPricing
    {
        // Not inlined: the benchmark measures the call itself, as a real method body would be called.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public ValueTask<int> PriceOf(int productId, CancellationToken cancellationToken = default)
            => new(productId * 3);
    }
}
