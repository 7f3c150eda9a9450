using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Micron.Security.Internal;

/// <summary>
/// Signature nonces: 8 random bytes drawn once per process, then a counter that starts at a random value, in
/// base64url (22 characters). Unique per process by the counter, across processes by the random part, and far
/// cheaper than drawing 16 random bytes per request. A nonce only has to be unique; the MAC carries the trust.
/// </summary>
internal static class Nonce
{
    private static readonly ulong Prefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long _counter = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    public static string Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Prefix);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], Interlocked.Increment(ref _counter));
        return Base64Url.EncodeToString(bytes);
    }
}
