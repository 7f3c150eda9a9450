using System.Security.Cryptography;
using System.Text;

namespace Micron.Security;

/// <summary>A shared secret and its public id: the first 16 hex digits of the secret's SHA-256.</summary>
public sealed class MicronKey
{
    /// <summary>Creates a key from a shared secret.</summary>
    /// <param name="secret">The secret, at least 16 characters.</param>
    /// <exception cref="ArgumentException">The secret is shorter than 16 characters.</exception>
    public MicronKey(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        if (secret.Length < 16)
        {
            throw new ArgumentException("a Micron secret has at least 16 characters", nameof(secret));
        }

        Bytes = Encoding.UTF8.GetBytes(secret);
        Id = Convert.ToHexStringLower(SHA256.HashData(Bytes).AsSpan(0, 8));
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Bytes));
    }

    private readonly ThreadLocal<IncrementalHash> _hmac;

    /// <summary>Gets the key's public id, sent with every signature so the receiver knows which key to check.</summary>
    public string Id { get; }

    internal byte[] Bytes { get; }

    /// <summary>Gets this thread's HMAC-SHA256 keyed with the secret: one per thread, reset after each use, so signing creates none.</summary>
    internal IncrementalHash Hmac => _hmac.Value!;

    internal bool Matches(ReadOnlySpan<char> secret)
    {
        Span<byte> given = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(secret.Length, 512))];
        var length = Encoding.UTF8.GetBytes(secret[..Math.Min(secret.Length, 512)], given);
        return CryptographicOperations.FixedTimeEquals(given[..length], Bytes);
    }
}
