using System.Globalization;
using System.Security.Cryptography;

namespace Micron.Security.Internal;

/// <summary>
/// Checks <c>Micron-Signature</c> headers: a known key, a time within the window, a correct MAC, and a nonce never
/// seen before (a replay inside the window is refused).
/// </summary>
internal sealed class SignatureVerifier(MicronKeyRing keys, TimeProvider time)
{
    /// <summary>How far a signature's time may be from this host's clock.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly NonceCache _nonces = new(time);

    /// <summary>Verifies a signature; returns <see langword="null"/> when valid, else the error code.</summary>
    public string? Verify(string header, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        if (!MicronSignature.TryParse(header, out var parts))
        {
            return SecurityErrors.SignatureInvalid;
        }

        var key = keys.Find(parts.Key);
        if (key is null || !long.TryParse(parts.Ts, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
        {
            return SecurityErrors.SignatureInvalid;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - ts) > Window.TotalSeconds)
        {
            return SecurityErrors.SignatureExpired;
        }

        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(parts.Sig, given, out var length) || length != given.Length)
        {
            return SecurityErrors.SignatureInvalid;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        MicronSignature.Compute(key, method, pathAndQuery, parts.Ts, parts.Nonce, body, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return SecurityErrors.SignatureInvalid;
        }

        // Only a signature that verified may take a place in the cache.
        if (!_nonces.TryAdd(parts.Nonce))
        {
            return SecurityErrors.NonceReused;
        }

        return null;
    }

    /// <summary>Gets how many nonces are remembered (for tests).</summary>
    internal int RememberedNonces => _nonces.Count;
}
