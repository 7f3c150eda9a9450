using System.Net;
using Micron.Security;
using Micron.Tests.Rpc;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Micron.Tests.Support.SignedRequests;

namespace Micron.Tests.Security;

/// <summary>
/// Issue 15: a host decides what the headers can decide before it reads a byte of the body. Each request here
/// announces a 16 MB body and never sends it: a host that waited for the body would answer nothing.
/// </summary>
public class SignatureBeforeBodyTests : IAsyncLifetime
{
    private const long Large = 16_000_000; // under Micron:MaxMessageSize (16 MB): nothing but the signature refuses it
    private const long TooLarge = 17_000_000;
    private const string RpcPath = "/_micron/rpc/calc/Add";
    private readonly string _secret = TestHost.NewSecret();
    private TestHost _host = null!;

    public async Task InitializeAsync()
        => _host = await TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>(),
            "--secret", _secret, "--discovery", "none");

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private string KeyId => new MicronKey(_secret).Id;

    private string Audience => _host.BaseAddress.Authority;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task Issue_15_BogusSignature_WithALargeBody_IsRefusedBeforeTheBodyIsRead()
        => (await StatusBeforeTheBodyAsync(_host, RpcPath, "bogus", Large)).ShouldBe(401);

    [Fact]
    public async Task Issue_15_UnknownKey_IsRefusedBeforeTheBodyIsRead()
        => (await StatusBeforeTheBodyAsync(_host, RpcPath, $"v2 key=0123456789abcdef,ts={Now},nonce=abcdefgh12345678,aud={Audience},sig={Zeros}", Large)).ShouldBe(401);

    [Fact]
    public async Task Issue_15_ExpiredSignature_IsRefusedBeforeTheBodyIsRead()
        => (await StatusBeforeTheBodyAsync(_host, RpcPath, $"v2 key={KeyId},ts={Now - 120},nonce=abcdefgh12345678,aud={Audience},sig={Zeros}", Large)).ShouldBe(401);

    [Fact]
    public async Task Issue_15_MalformedNonce_IsRefusedBeforeTheBodyIsRead()
        => (await StatusBeforeTheBodyAsync(_host, RpcPath, $"v2 key={KeyId},ts={Now},nonce=short,aud={Audience},sig={Zeros}", Large)).ShouldBe(401);

    [Fact]
    public async Task Issue_15_SignatureForAnotherHost_IsRefusedBeforeTheBodyIsRead()
        => (await StatusBeforeTheBodyAsync(_host, RpcPath, $"v2 key={KeyId},ts={Now},nonce=abcdefgh12345678,aud=10.9.9.9:3000,sig={Zeros}", Large)).ShouldBe(401);

    [Fact]
    public async Task Issue_15_ReplayedSignature_IsRefusedBeforeTheBodyIsRead()
    {
        var sent = await SendAsync(_secret, HttpMethod.Post, new Uri(_host.BaseAddress, RpcPath), """{"args":{"a":1,"b":2}}""");
        sent.Status.ShouldBe(HttpStatusCode.OK);

        (await StatusBeforeTheBodyAsync(_host, RpcPath, sent.Signature, Large)).ShouldBe(401);
    }

    [Fact]
    public async Task Issue_15_ValidSignature_OverTheMessageLimit_Is413_BeforeTheBodyIsRead()
    {
        var signature = await SignOnlyAsync(_secret, HttpMethod.Post, new Uri(_host.BaseAddress, RpcPath), "{}");

        (await StatusBeforeTheBodyAsync(_host, RpcPath, signature, TooLarge)).ShouldBe(413);
    }

    [Fact]
    public async Task Issue_15_ValidSignature_StillAccepted_AfterTheRefusals()
    {
        (await StatusBeforeTheBodyAsync(_host, RpcPath, "bogus", Large)).ShouldBe(401);

        (await SendAsync(_secret, HttpMethod.Post, new Uri(_host.BaseAddress, RpcPath), """{"args":{"a":1,"b":2}}""")).Status.ShouldBe(HttpStatusCode.OK);
    }

    private static string Zeros => Convert.ToBase64String(new byte[32]);
}
