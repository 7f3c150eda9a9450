namespace Micron.Security.Internal;

/// <summary>
/// The nonces of verified signatures, remembered while a replay of them could still be inside the time window.
/// </summary>
/// <remarks>
/// At full load that is a few hundred thousand nonces, each kept for about a minute: as objects (strings, dictionary
/// nodes) they would all survive into the oldest GC generation only to die there, the costliest pattern for the
/// collector. So a nonce is kept as a 128-bit hash in a set of structs, and sets are dropped whole: three generations,
/// one per <see cref="SignatureVerifier.Window"/>; a nonce is seen when any generation holds it, and the oldest
/// generation is cleared and reused every window. A nonce is so remembered for at least two windows, as long as a
/// signature time up to one window ahead of the clock stays acceptable.
/// </remarks>
internal sealed class NonceCache(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly HashSet<UInt128>[] _generations = [[], [], []];
    private long _current = -1;

    /// <summary>Remembers a nonce; <see langword="false"/> when it was already remembered (a replay).</summary>
    public bool TryAdd(ReadOnlySpan<char> nonce)
    {
        var key = Hash(nonce);
        var generation = Generation();
        lock (_lock)
        {
            Rotate(generation);
            return !Holds(key) && _generations[generation % 3].Add(key);
        }
    }

    /// <summary>Whether a nonce is remembered, without remembering it: a replay is refused before its body is read.</summary>
    public bool Contains(ReadOnlySpan<char> nonce)
    {
        var key = Hash(nonce);
        var generation = Generation();
        lock (_lock)
        {
            Rotate(generation);
            return Holds(key);
        }
    }

    /// <summary>Gets how many nonces are remembered (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                Rotate(Generation());
                return _generations.Sum(static g => g.Count);
            }
        }
    }

    private long Generation() => time.GetUtcNow().ToUnixTimeSeconds() / (long)SignatureVerifier.Window.TotalSeconds;

    private bool Holds(UInt128 key)
    {
        foreach (var set in _generations)
        {
            if (set.Contains(key))
            {
                return true;
            }
        }

        return false;
    }

    // Entering a new window clears the generation it reuses, and any skipped over while nothing was verified.
    private void Rotate(long generation)
    {
        if (generation == _current)
        {
            return;
        }

        var stale = _current < 0 ? 0 : Math.Min(generation - _current, 3);
        for (var i = 0; i < stale; i++)
        {
            _generations[(generation - i) % 3].Clear();
        }

        _current = generation;
    }

    // Two 64-bit multiplicative hashes of the characters: nonces are random, so accidental collisions among a few
    // hundred thousand 128-bit keys do not happen; deliberate ones need a valid signature, which needs the key.
    private static UInt128 Hash(ReadOnlySpan<char> nonce)
    {
        ulong a = 0xcbf29ce484222325, b = 0x9e3779b97f4a7c15 ^ (ulong)nonce.Length;
        foreach (var c in nonce)
        {
            a = (a ^ c) * 0x100000001b3;
            b = (b ^ c) * 0xff51afd7ed558ccd;
            b ^= b >> 31;
        }

        return new UInt128(a, b);
    }
}
