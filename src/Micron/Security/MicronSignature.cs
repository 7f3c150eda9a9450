using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Micron.Security.Internal;

namespace Micron.Security;

/// <summary>
/// The <c>Micron-Signature</c> header every host-to-host request carries (see <c>docs/spec/security.md</c>):
/// <c>v1 key=&lt;id&gt;,ts=&lt;unix s&gt;,nonce=&lt;random&gt;,sig=&lt;base64 HMAC-SHA256&gt;</c> over
/// <c>method \n path+query \n ts \n nonce \n hex(sha256(body))</c>.
/// </summary>
public static class MicronSignature
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "Micron-Signature";

    /// <summary>Signs a request.</summary>
    /// <param name="key">The signing key.</param>
    /// <param name="method">The HTTP method, upper case.</param>
    /// <param name="pathAndQuery">The path and query string as sent, for example <c>/_micron/rpc/account/GetUserById</c>.</param>
    /// <param name="body">The body as sent (empty when none).</param>
    /// <param name="unixSeconds">The signing time.</param>
    /// <returns>The header value.</returns>
    public static string Create(MicronKey key, string method, string pathAndQuery, ReadOnlySpan<byte> body, long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(key);
        var nonce = Nonce.Next();
        var ts = unixSeconds.ToString(CultureInfo.InvariantCulture);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(key, method, pathAndQuery, ts, nonce, body, mac);
        return $"v1 key={key.Id},ts={ts},nonce={nonce},sig={Convert.ToBase64String(mac)}";
    }

    /// <summary>The MAC of a request, written to <paramref name="mac"/> (32 bytes).</summary>
    internal static void Compute(MicronKey key, string method, string pathAndQuery, string ts, string nonce, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        // method \n path+query \n ts \n nonce \n hex(sha256(body)), assembled in one buffer: one HMAC update, no strings.
        var length = Encoding.UTF8.GetMaxByteCount(method.Length + pathAndQuery.Length + ts.Length + nonce.Length) + 4 + (2 * SHA256.HashSizeInBytes);
        byte[]? rented = null;
        var payload = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var at = Append(payload, method);
            at += Append(payload[at..], pathAndQuery);
            at += Append(payload[at..], ts);
            at += Append(payload[at..], nonce);
            Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(body, bodyHash);
            Convert.TryToHexStringLower(bodyHash, payload[at..], out var hex);
            at += hex;

            var hmac = key.Hmac;
            hmac.AppendData(payload[..at]);
            hmac.GetHashAndReset(mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Append(Span<byte> destination, string text)
    {
        var written = Encoding.UTF8.GetBytes(text, destination);
        destination[written] = (byte)'\n';
        return written + 1;
    }

    /// <summary>Reads the parts of a header value; <see langword="false"/> when it is not a well-formed v1 signature.</summary>
    internal static bool TryParse(string header, out (string Key, string Ts, string Nonce, string Sig) parts)
    {
        parts = default;
        if (!header.StartsWith("v1 ", StringComparison.Ordinal))
        {
            return false;
        }

        string? key = null, ts = null, nonce = null, sig = null;
        foreach (var field in header[3..].Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            var value = field[(equals + 1)..].Trim();
            switch (field[..equals].Trim())
            {
                case "key": key = value; break;
                case "ts": ts = value; break;
                case "nonce": nonce = value; break;
                case "sig": sig = value; break;
                default: return false;
            }
        }

        if (key is null || ts is null || nonce is { Length: < 8 or > 64 } || nonce is null || sig is null)
        {
            return false;
        }

        parts = (key, ts, nonce, sig);
        return true;
    }
}
