using System.Text;
using Micron.Security;
using Micron.Security.Internal;
using Micron.Tests.Support;

namespace Micron.Tests.Security;

public class SignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly MicronKey _key = new("first-secret-0123456789");
    private readonly ManualTimeProvider _time = new(Now);

    private static readonly IReadOnlySet<string> Here = new HashSet<string>(["127.0.0.1:4001", "calc.example:443"], StringComparer.OrdinalIgnoreCase);

    private SignatureVerifier Verifier(params MicronKey[] keys) => new(new MicronKeyRing(keys.Length > 0 ? keys : [_key]), _time);

    private string Sign(MicronKey key, string body = "{}", long? at = null, string audience = "127.0.0.1:4001")
        => MicronSignature.Create(key, "POST", audience, "/_micron/rpc/calc/Add", Encoding.UTF8.GetBytes(body), at ?? Now.ToUnixTimeSeconds());

    [Fact]
    public void Verify_FreshSignature_IsValid()
        => Verifier().Verify(Sign(_key), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();

    [Fact]
    public void Verify_SameSignatureTwice_IsAReplay()
    {
        var verifier = Verifier();
        var header = Sign(_key);

        verifier.Verify(header, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        verifier.Verify(header, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("nonce_reused");
    }

    [Fact]
    public void Verify_ReplayOfASignatureFromTheFuture_IsRefusedForAsLongAsItsTimeIsInTheWindow()
    {
        var verifier = Verifier();
        var header = Sign(_key, at: _time.GetUtcNow().ToUnixTimeSeconds() + 29); // a sender whose clock runs ahead

        verifier.Verify(header, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        _time.Advance(TimeSpan.FromSeconds(58)); // its time is now 29 s in the past: still inside the window

        verifier.Verify(header, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("nonce_reused");
    }

    [Theory]
    [InlineData(-31)]
    [InlineData(31)]
    public void Verify_OutsideThe30SecondWindow_IsExpired(int seconds)
        => Verifier().Verify(Sign(_key, at: Now.ToUnixTimeSeconds() + seconds), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_expired");

    [Fact]
    public void Verify_TamperedBodyPathOrMethod_IsInvalid()
    {
        var verifier = Verifier();

        verifier.Verify(Sign(_key), Here, "POST", "/_micron/rpc/calc/Add", "{\"a\":1}"u8).ShouldBe("signature_invalid");
        verifier.Verify(Sign(_key), Here, "POST", "/_micron/rpc/calc/Sub", "{}"u8).ShouldBe("signature_invalid");
        verifier.Verify(Sign(_key), Here, "PUT", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");
    }

    [Fact]
    public void Verify_WrongSecret_IsInvalid()
        => Verifier().Verify(Sign(new MicronKey("another-secret-0123456789")), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");

    [Fact]
    public void Verify_ForgedMacWithAKnownKeyId_IsInvalid()
    {
        var header = Sign(_key);
        var forged = header[..(header.IndexOf("sig=", StringComparison.Ordinal) + 4)] + Convert.ToBase64String(new byte[32]);

        Verifier().Verify(forged, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");
    }

    [Theory]
    [InlineData("")]
    [InlineData("v2 key=a,ts=1,nonce=abcdefgh,sig=x")]
    [InlineData("v2 key=a,ts=1")]
    [InlineData("v2 garbage")]
    [InlineData("v2 key=a,ts=notanumber,nonce=abcdefgh,aud=127.0.0.1:4001,sig=x")]
    [InlineData("v2 key=a,ts=-1,nonce=abcdefgh,aud=127.0.0.1:4001,sig=x")]
    [InlineData("v2 key=a,ts=1,ts=2,nonce=abcdefgh,aud=127.0.0.1:4001,sig=x")]
    [InlineData("v2 key=a,ts=1,nonce=abcdefgh,aud=,sig=x")]
    [InlineData("v2 key=a,ts=1,nonce=abcdefgh,aud=127.0.0.1:4001,sig=x,extra=1")]
    public void Verify_Malformed_IsInvalid(string header)
        => Verifier().Verify(header, Here, "POST", "/x", []).ShouldBe("signature_invalid");

    [Fact]
    public void Verify_Issue_15_TheFormerV1Signature_IsRefused()
    {
        // v1 named no receiver, so one captured request was good at every host: it is no longer accepted.
        var v2 = Sign(_key);
        var v1 = "v1 " + string.Join(',', v2[3..].Split(',').Where(f => !f.StartsWith("aud=", StringComparison.Ordinal)));

        Verifier().Verify(v1, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");
    }

    [Fact]
    public void Verify_Issue_15_SignedForAnotherReceiver_IsRefusedForItsAudience()
        => Verifier().Verify(Sign(_key, audience: "127.0.0.1:4002"), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_audience");

    [Fact]
    public void Verify_Issue_15_AudienceRewrittenToThisReceiver_IsInvalid()
    {
        var header = Sign(_key, audience: "127.0.0.1:4002").Replace("aud=127.0.0.1:4002", "aud=127.0.0.1:4001", StringComparison.Ordinal);

        Verifier().Verify(header, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");
    }

    [Fact]
    public void Verify_AudienceInAnotherCase_IsTheSameReceiver()
        => Verifier().Verify(Sign(_key, audience: "CALC.example:443"), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();

    [Fact]
    public void Check_Issue_15_DecidesOnTheHeaderAlone_AndRemembersNothing()
    {
        var verifier = Verifier();
        var header = Sign(_key);

        verifier.Check(header, Here, out _, out _).ShouldBeNull();
        verifier.Check(header, Here, out _, out _).ShouldBeNull("only a verified MAC spends the nonce");
        verifier.RememberedNonces.ShouldBe(0);
        verifier.Verify(header, Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        verifier.Check(header, Here, out _, out _).ShouldBe("nonce_reused");
    }

    [Fact]
    public void VerifyStored_ChecksKeyAudienceAndMac_NotTheWindowOrTheNonce()
    {
        var ring = new MicronKeyRing([_key]);
        var header = MicronSignature.Create(_key, "FILE", "local", "/_micron/announce", "{}"u8, Now.ToUnixTimeSeconds() - 300);

        SignatureVerifier.VerifyStored(ring, header, "local", "FILE", "/_micron/announce", "{}"u8, out var signedAt).ShouldBeNull();
        SignatureVerifier.VerifyStored(ring, header, "local", "FILE", "/_micron/announce", "{}"u8, out _).ShouldBeNull("read again next heartbeat");
        signedAt.ShouldBe(Now.AddSeconds(-300));
        SignatureVerifier.VerifyStored(ring, header, "local", "FILE", "/_micron/announce", "{ }"u8, out _).ShouldBe("signature_invalid");
        SignatureVerifier.VerifyStored(ring, header, "224.0.0.116:11628", "FILE", "/_micron/announce", "{}"u8, out _).ShouldBe("signature_audience");
        SignatureVerifier.VerifyStored(new MicronKeyRing([new MicronKey("another-secret-0123456789")]), header, "local", "FILE", "/_micron/announce", "{}"u8, out _)
            .ShouldBe("signature_invalid");
    }

    [Fact]
    public void AudienceOf_IsTheHostLowerCase_AndThePortAlwaysWritten()
    {
        MicronSignature.AudienceOf(new Uri("http://127.0.0.1:4001/_micron/rpc/calc/Add")).ShouldBe("127.0.0.1:4001");
        MicronSignature.AudienceOf(new Uri("https://Orders.Example/x")).ShouldBe("orders.example:443");
        MicronSignature.AudienceOf(new Uri("http://orders.example/x")).ShouldBe("orders.example:80");
        MicronSignature.AudienceOf(new Uri("http://[::1]:3000/")).ShouldBe("[::1]:3000");
    }

    [Fact]
    public void HostAudience_IsThePublicUrl_AndTheListenAddresses()
    {
        var audiences = HostAudience.Of(["http://127.0.0.1:4001", "http://[::1]:4002", "http://unix:/tmp/micron.sock"], "https://orders.example/");

        audiences.ShouldBe(
            ["orders.example:443", "127.0.0.1:4001", "localhost:4001", "[::1]:4001", "[::1]:4002", "127.0.0.1:4002", "localhost:4002"],
            ignoreOrder: true);
    }

    [Fact]
    public void HostAudience_OfEveryInterface_IsLoopbackTheMachinesNameAndEachAddress()
    {
        var audiences = HostAudience.Of(["http://0.0.0.0:4001"], null);

        audiences.ShouldContain("127.0.0.1:4001");
        audiences.ShouldContain("localhost:4001");
        audiences.ShouldContain(System.Net.Dns.GetHostName() + ":4001");
        audiences.ShouldNotContain("0.0.0.0:4001");
        audiences.ShouldNotContain("127.0.0.1:4002");
    }

    [Fact]
    public void Verify_DuringRotation_BothKeysAreAccepted_AndTheFirstSigns()
    {
        var next = new MicronKey("next-secret-0123456789");
        var ring = new MicronKeyRing([next, _key]);
        var verifier = new SignatureVerifier(ring, _time);

        verifier.Verify(Sign(_key), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        verifier.Verify(Sign(next), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        ring.Signing.ShouldBeSameAs(next);
    }

    [Fact]
    public void Nonces_AreForgottenOnceOutsideTheWindow_SoTheCacheStaysBounded()
    {
        var verifier = Verifier();
        for (var i = 0; i < 100; i++)
        {
            verifier.Verify(Sign(_key), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        }

        // Remembered for two to three windows (60 to 90 s), then dropped.
        _time.Advance(TimeSpan.FromSeconds(91));
        verifier.Verify(Sign(_key, at: _time.GetUtcNow().ToUnixTimeSeconds()), Here, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();

        verifier.RememberedNonces.ShouldBe(1);
    }

    [Fact]
    public void Key_ShorterThan16Characters_IsRefused()
        => Should.Throw<ArgumentException>(() => new MicronKey("short"));
}
