using System.Collections.Concurrent;
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

    private readonly ConcurrentDictionary<string, long> _nonces = new(StringComparer.Ordinal);
    private long _lastPrune;

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

        // Only a signature that verified may take a place in the cache; it is remembered while its time is in the window.
        if (!_nonces.TryAdd(parts.Nonce, ts + (long)Window.TotalSeconds))
        {
            return SecurityErrors.NonceReused;
        }

        PruneOncePerSecond(now);
        return null;
    }

    // Expired nonces are dropped at most once a second, by one caller: pruning on every call would make each
    // verification walk the whole cache (hundreds of thousands of entries at full load).
    private void PruneOncePerSecond(long now)
    {
        var last = Interlocked.Read(ref _lastPrune);
        if (now <= last || Interlocked.CompareExchange(ref _lastPrune, now, last) != last)
        {
            return;
        }

        foreach (var (nonce, expires) in _nonces)
        {
            if (expires < now)
            {
                _nonces.TryRemove(nonce, out _);
            }
        }
    }

    /// <summary>Gets how many nonces are remembered (for tests).</summary>
    internal int RememberedNonces => _nonces.Count;
}
