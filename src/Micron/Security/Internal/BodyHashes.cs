using System.Security.Cryptography;

namespace Micron.Security.Internal;

/// <summary>
/// SHA-256 hashers for signed request bodies, reused: one is held per thread between requests, since making one
/// costs more than hashing a small body. A hasher is returned only once reset (its hash taken).
/// </summary>
internal static class BodyHashes
{
    [ThreadStatic]
    private static IncrementalHash? t_spare;

    public static IncrementalHash Rent()
    {
        var hash = t_spare ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        t_spare = null;
        return hash;
    }

    public static void Return(IncrementalHash hash)
    {
        if (t_spare is null)
        {
            t_spare = hash;
        }
        else
        {
            hash.Dispose();
        }
    }
}
