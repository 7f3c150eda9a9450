using BenchmarkDotNet.Attributes;
using Micron.Security;
using Micron.Security.Internal;

namespace Micron.Benchmarks;

/// <summary>What signing and verifying one small RPC request costs, in process.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string Audience = "127.0.0.1:4001";
    private static readonly byte[] Body = """{"args":{"productId":42}}"""u8.ToArray();
    private static readonly IReadOnlySet<string> Audiences = System.Collections.Frozen.FrozenSet.Create(StringComparer.OrdinalIgnoreCase, Audience, "localhost:4001");
    private readonly MicronKey _key = new("bench-" + Guid.NewGuid().ToString("N"));
    private SignatureVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup() => _verifier = new SignatureVerifier(new MicronKeyRing([_key]), TimeProvider.System);

    [Benchmark]
    public string Sign() => MicronSignature.Create(_key, "POST", Audience, "/_micron/rpc/quote/GetQuote", Body, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());

    [Benchmark]
    public string? SignAndVerify()
        => _verifier.Verify(Sign(), Audiences, "POST", "/_micron/rpc/quote/GetQuote", Body);
}
