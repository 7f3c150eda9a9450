using System.Globalization;
using System.Security.Cryptography;

namespace Micron.Security.Internal;

/// <summary>
/// Checks <c>Micron-Signature</c> headers in the order of <c>docs/spec/security.md</c>: what the header alone decides
/// (its shape, a known key, a time within the window, an audience this receiver answers to, a nonce not yet used)
/// before the body is read; then the MAC over the body, and only then is the nonce remembered.
/// </summary>
internal sealed class SignatureVerifier(MicronKeyRing keys, TimeProvider time)
{
    /// <summary>How far a signature's time may be from this host's clock.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly NonceCache _nonces = new(time);

    /// <summary>The checks that need no body; returns <see langword="null"/> when they pass, else the error code.</summary>
    /// <param name="header">The header's value.</param>
    /// <param name="audiences">The audiences this receiver answers to.</param>
    /// <param name="parts">The header's fields, for <see cref="Complete"/>.</param>
    /// <param name="key">The key that signed, for <see cref="Complete"/>.</param>
    public string? Check(string header, IReadOnlySet<string> audiences, out SignatureParts parts, out MicronKey? key)
    {
        key = null;
        if (!MicronSignature.TryParse(header, out parts) || !IsMac(parts.Sig) || (key = keys.Find(parts.Key)) is null)
        {
            return SecurityErrors.SignatureInvalid;
        }

        if (!long.TryParse(parts.Ts, NumberStyles.None, CultureInfo.InvariantCulture, out var ts)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - ts) > Window.TotalSeconds)
        {
            return SecurityErrors.SignatureExpired;
        }

        if (!audiences.Contains(parts.Audience))
        {
            return SecurityErrors.SignatureAudience;
        }

        return _nonces.Contains(parts.Nonce) ? SecurityErrors.NonceReused : null;
    }

    /// <summary>The checks that need the body, after <see cref="Check"/> passed: the MAC, then the nonce is remembered.</summary>
    /// <param name="parts">The header's fields.</param>
    /// <param name="key">The key that signed.</param>
    /// <param name="method">The request's method.</param>
    /// <param name="pathAndQuery">The request's path and query, as on the request line.</param>
    /// <param name="bodyHash">The SHA-256 of the body.</param>
    public string? Complete(in SignatureParts parts, MicronKey key, string method, string pathAndQuery, ReadOnlySpan<byte> bodyHash)
    {
        if (!MacMatches(parts, key, method, pathAndQuery, bodyHash))
        {
            return SecurityErrors.SignatureInvalid;
        }

        // Only a signature that verified may take a place in the cache; two copies sent at once race here, and one loses.
        return _nonces.TryAdd(parts.Nonce) ? null : SecurityErrors.NonceReused;
    }

    /// <summary>Every check at once, for a message whose body is at hand (a discovery datagram).</summary>
    public string? Verify(string header, IReadOnlySet<string> audiences, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        if (Check(header, audiences, out var parts, out var key) is { } refused)
        {
            return refused;
        }

        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, bodyHash);
        return Complete(parts, key!, method, pathAndQuery, bodyHash);
    }

    /// <summary>
    /// Verifies a stored signature (a local announcement file, read again every heartbeat): a known key, the audience and
    /// the MAC; neither the window nor the nonce, which a file read twice would fail. The caller judges the time.
    /// </summary>
    /// <param name="keys">The accepted keys.</param>
    /// <param name="header">The signature.</param>
    /// <param name="audience">The one audience accepted.</param>
    /// <param name="method">The method signed.</param>
    /// <param name="path">The path signed.</param>
    /// <param name="body">The body signed.</param>
    /// <param name="signedAt">The signature's time, when it verifies.</param>
    public static string? VerifyStored(MicronKeyRing keys, string header, string audience, string method, string path, ReadOnlySpan<byte> body, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (!MicronSignature.TryParse(header, out var parts) || !IsMac(parts.Sig) || keys.Find(parts.Key) is not { } key
            || !long.TryParse(parts.Ts, NumberStyles.None, CultureInfo.InvariantCulture, out var ts) || ts > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return SecurityErrors.SignatureInvalid;
        }

        if (!string.Equals(parts.Audience, audience, StringComparison.OrdinalIgnoreCase))
        {
            return SecurityErrors.SignatureAudience;
        }

        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, bodyHash);
        if (!MacMatches(parts, key, method, path, bodyHash))
        {
            return SecurityErrors.SignatureInvalid;
        }

        signedAt = DateTimeOffset.FromUnixTimeSeconds(ts);
        return null;
    }

    /// <summary>Gets how many nonces are remembered (for tests).</summary>
    internal int RememberedNonces => _nonces.Count;

    private static bool IsMac(string sig)
    {
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        return Convert.TryFromBase64String(sig, given, out var length) && length == given.Length;
    }

    private static bool MacMatches(in SignatureParts parts, MicronKey key, string method, string pathAndQuery, ReadOnlySpan<byte> bodyHash)
    {
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(parts.Sig, given, out var length) || length != given.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        MicronSignature.Compute(key, method, parts.Audience, pathAndQuery, parts.Ts, parts.Nonce, bodyHash, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
