using System.Text;
using System.Text.Json;
using Micron.Security;

namespace Micron.Discovery.Internal;

/// <summary>
/// An announcement as a discovery datagram or a local file carries it: the <c>Micron-Signature</c> value, one
/// <c>\n</c>, then the announcement's JSON, signed as method <c>UDP</c> or <c>FILE</c>, path <c>/_micron/announce</c>.
/// </summary>
internal static class SignedAnnouncement
{
    /// <summary>The path the signature covers.</summary>
    public const string SignedPath = "/_micron/announce";

    // A signature is about 150 characters: a longer first line is not one.
    private const int MaxSignature = 512;

    public static byte[] Encode(MicronKey key, string method, string audience, Announcement announcement, long unixSeconds)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(announcement);
        var signature = MicronSignature.Create(key, method, audience, SignedPath, body, unixSeconds);
        var encoded = new byte[signature.Length + 1 + body.Length];
        var written = Encoding.ASCII.GetBytes(signature, encoded);
        encoded[written] = (byte)'\n';
        body.CopyTo(encoded, written + 1);
        return encoded;
    }

    /// <summary>Splits a datagram or file into its signature and its JSON; <see langword="false"/> when it has no signature line.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> encoded, out string signature, out ReadOnlySpan<byte> body)
    {
        var newline = encoded.IndexOf((byte)'\n');
        if (newline <= 0 || newline > MaxSignature)
        {
            signature = string.Empty;
            body = default;
            return false;
        }

        signature = Encoding.ASCII.GetString(encoded[..newline]);
        body = encoded[(newline + 1)..];
        return true;
    }
}
