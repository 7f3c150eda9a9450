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

    private SignatureVerifier Verifier(params MicronKey[] keys) => new(new MicronKeyRing(keys.Length > 0 ? keys : [_key]), _time);

    private string Sign(MicronKey key, string body = "{}", long? at = null)
        => MicronSignature.Create(key, "POST", "/_micron/rpc/calc/Add", Encoding.UTF8.GetBytes(body), at ?? Now.ToUnixTimeSeconds());

    [Fact]
    public void Verify_FreshSignature_IsValid()
        => Verifier().Verify(Sign(_key), "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();

    [Fact]
    public void Verify_SameSignatureTwice_IsAReplay()
    {
        var verifier = Verifier();
        var header = Sign(_key);

        verifier.Verify(header, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        verifier.Verify(header, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("nonce_reused");
    }

    [Fact]
    public void Verify_ReplayOfASignatureFromTheFuture_IsRefusedForAsLongAsItsTimeIsInTheWindow()
    {
        var verifier = Verifier();
        var header = Sign(_key, at: _time.GetUtcNow().ToUnixTimeSeconds() + 29); // a sender whose clock runs ahead

        verifier.Verify(header, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        _time.Advance(TimeSpan.FromSeconds(58)); // its time is now 29 s in the past: still inside the window

        verifier.Verify(header, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("nonce_reused");
    }

    [Theory]
    [InlineData(-31)]
    [InlineData(31)]
    public void Verify_OutsideThe30SecondWindow_IsExpired(int seconds)
        => Verifier().Verify(Sign(_key, at: Now.ToUnixTimeSeconds() + seconds), "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_expired");

    [Fact]
    public void Verify_TamperedBodyPathOrMethod_IsInvalid()
    {
        var verifier = Verifier();

        verifier.Verify(Sign(_key), "POST", "/_micron/rpc/calc/Add", "{\"a\":1}"u8).ShouldBe("signature_invalid");
        verifier.Verify(Sign(_key), "POST", "/_micron/rpc/calc/Sub", "{}"u8).ShouldBe("signature_invalid");
        verifier.Verify(Sign(_key), "PUT", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");
    }

    [Fact]
    public void Verify_WrongSecret_IsInvalid()
        => Verifier().Verify(Sign(new MicronKey("another-secret-0123456789")), "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");

    [Fact]
    public void Verify_ForgedMacWithAKnownKeyId_IsInvalid()
    {
        var header = Sign(_key);
        var forged = header[..(header.IndexOf("sig=", StringComparison.Ordinal) + 4)] + Convert.ToBase64String(new byte[32]);

        Verifier().Verify(forged, "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBe("signature_invalid");
    }

    [Theory]
    [InlineData("")]
    [InlineData("v2 key=a,ts=1,nonce=abcdefgh,sig=x")]
    [InlineData("v1 key=a,ts=1")]
    [InlineData("v1 garbage")]
    [InlineData("v1 key=a,ts=notanumber,nonce=abcdefgh,sig=x")]
    public void Verify_Malformed_IsInvalid(string header)
        => Verifier().Verify(header, "POST", "/x", []).ShouldBe("signature_invalid");

    [Fact]
    public void Verify_DuringRotation_BothKeysAreAccepted_AndTheFirstSigns()
    {
        var next = new MicronKey("next-secret-0123456789");
        var ring = new MicronKeyRing([next, _key]);
        var verifier = new SignatureVerifier(ring, _time);

        verifier.Verify(Sign(_key), "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        verifier.Verify(Sign(next), "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        ring.Signing.ShouldBeSameAs(next);
    }

    [Fact]
    public void Nonces_AreForgottenOnceOutsideTheWindow_SoTheCacheStaysBounded()
    {
        var verifier = Verifier();
        for (var i = 0; i < 100; i++)
        {
            verifier.Verify(Sign(_key), "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();
        }

        // Remembered for two to three windows (60 to 90 s), then dropped.
        _time.Advance(TimeSpan.FromSeconds(91));
        verifier.Verify(Sign(_key, at: _time.GetUtcNow().ToUnixTimeSeconds()), "POST", "/_micron/rpc/calc/Add", "{}"u8).ShouldBeNull();

        verifier.RememberedNonces.ShouldBe(1);
    }

    [Fact]
    public void Key_ShorterThan16Characters_IsRefused()
        => Should.Throw<ArgumentException>(() => new MicronKey("short"));
}
