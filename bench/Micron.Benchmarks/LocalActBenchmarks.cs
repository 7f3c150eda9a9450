using BenchmarkDotNet.Attributes;
using Micron.Hosting;
using Micron.Patterns;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Benchmarks;

/// <summary>
/// A pattern call handled in the same host (<c>IMicron.Act</c> in a monolith) against calling the handler's function
/// directly: what the pattern lookup, the payload conversion and the handler invocation cost.
/// </summary>
[MemoryDiagnoser]
public class LocalActBenchmarks
{
    private static readonly Func<Operands, long> Multiply = static operands => operands.First * operands.Second;
    private MicronApplication _app = null!;
    private IMicron _micron = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = MicronApplication.CreateBuilder(["--listen", "tcp://127.0.0.1:0", "--discovery", "none"]);
        builder.Services.AddMicron().AddService<CalculatorService>();
        _app = builder.Build();
        _app.StartAsync().GetAwaiter().GetResult();
        _micron = _app.Services.GetRequiredService<IMicron>();
    }

    [GlobalCleanup]
    public void Cleanup() => _app.Dispose();

    [Benchmark(Baseline = true, Description = "the handler, called directly")]
    public long Direct() => Multiply(new Operands(6, 7));

    [Benchmark(Description = "Act, payload of the handler's type")]
    public Task<long> ActTyped() => _micron.Act<long>("multiply", new Operands(6, 7));

    [Benchmark(Description = "Act, anonymous payload (converted)")]
    public Task<long> ActAnonymous() => _micron.Act<long>("multiply", new { first = 6, second = 7 });

    public sealed record Operands(long First, long Second);

    public sealed class CalculatorService : MicronService
    {
        protected override void Map(IServiceRoutes routes) => routes.AddPattern("multiply", Multiply);
    }
}
