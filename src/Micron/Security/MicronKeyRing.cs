namespace Micron.Security;

/// <summary>The keys a host trusts: the first signs outgoing requests, every key is accepted (two during a rotation).</summary>
public sealed class MicronKeyRing
{
    /// <summary>Creates a key ring.</summary>
    /// <param name="keys">One or two keys; the first signs.</param>
    /// <exception cref="ArgumentException">No key, or more than two.</exception>
    public MicronKeyRing(IReadOnlyList<MicronKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count is 0 or > 2)
        {
            throw new ArgumentException("a key ring holds one key, or two during a rotation", nameof(keys));
        }

        Keys = keys;
    }

    /// <summary>Gets the key that signs.</summary>
    public MicronKey Signing => Keys[0];

    /// <summary>Gets every accepted key.</summary>
    public IReadOnlyList<MicronKey> Keys { get; }

    /// <summary>Finds an accepted key by id.</summary>
    /// <param name="id">The key id from a signature.</param>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public MicronKey? Find(ReadOnlySpan<char> id)
    {
        foreach (var key in Keys)
        {
            if (id.SequenceEqual(key.Id))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>Whether a secret given as is (a bearer token, a password) is one of the accepted keys, in constant time.</summary>
    internal bool Accepts(ReadOnlySpan<char> secret)
    {
        var accepted = false;
        foreach (var key in Keys)
        {
            accepted |= key.Matches(secret);
        }

        return accepted;
    }
}
