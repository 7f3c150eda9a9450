using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Micron.Security.Internal;

namespace Micron.Security;

/// <summary>
/// The <c>Micron-Signature</c> header every host-to-host request carries (see <c>docs/spec/security.md</c>):
/// <c>v2 key=&lt;id&gt;,ts=&lt;unix s&gt;,nonce=&lt;unique&gt;,aud=&lt;host:port&gt;,sig=&lt;base64 HMAC-SHA256&gt;</c> over
/// <c>v2 \n method \n aud \n path+query \n ts \n nonce \n hex(sha256(body))</c>. The audience is the receiver, so a
/// captured request is good for one host, once.
/// </summary>
public static class MicronSignature
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "Micron-Signature";

    private const string Version = "v2";

    // Far more than a real signature (about 150 characters): a longer header is refused without being split.
    private const int MaxHeaderLength = 1024;

    /// <summary>Signs a request.</summary>
    /// <param name="key">The signing key.</param>
    /// <param name="method">The HTTP method, upper case.</param>
    /// <param name="audience">The receiver: the authority of the URL the request is sent to (see <see cref="AudienceOf"/>).</param>
    /// <param name="pathAndQuery">The path and query string as sent, for example <c>/_micron/rpc/account/GetUserById</c>.</param>
    /// <param name="body">The body as sent (empty when none).</param>
    /// <param name="unixSeconds">The signing time.</param>
    /// <returns>The header value.</returns>
    /// <exception cref="ArgumentException">The audience is empty or holds a comma or white space.</exception>
    public static string Create(MicronKey key, string method, string audience, string pathAndQuery, ReadOnlySpan<byte> body, long unixSeconds)
    {
        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, bodyHash);
        return CreateFromHash(key, method, audience, pathAndQuery, bodyHash, unixSeconds);
    }

    /// <summary>The audience a request to <paramref name="url"/> is signed for: its host, lower case, and its port, always written.</summary>
    /// <param name="url">An absolute URL.</param>
    /// <returns><c>host:port</c>, for example <c>127.0.0.1:41234</c>, <c>orders.example:443</c> or <c>[::1]:3000</c>.</returns>
    /// <exception cref="ArgumentException">The URL is not absolute.</exception>
    public static string AudienceOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri
            ? string.Concat(url.Host.ToLowerInvariant(), ":", url.Port.ToString(CultureInfo.InvariantCulture))
            : throw new ArgumentException("a signed request goes to an absolute URL", nameof(url));
    }

    /// <summary>Signs a request whose body's SHA-256 is already known.</summary>
    internal static string CreateFromHash(MicronKey key, string method, string audience, string pathAndQuery, ReadOnlySpan<byte> bodyHash, long unixSeconds)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (audience.Length == 0 || audience.AsSpan().IndexOfAny(", \t") >= 0)
        {
            throw new ArgumentException($"'{audience}' is not an audience (host:port)", nameof(audience));
        }

        var nonce = Nonce.Next();
        var ts = unixSeconds.ToString(CultureInfo.InvariantCulture);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(key, method, audience, pathAndQuery, ts, nonce, bodyHash, mac);
        return $"{Version} key={key.Id},ts={ts},nonce={nonce},aud={audience},sig={Convert.ToBase64String(mac)}";
    }

    /// <summary>The MAC of a request, written to <paramref name="mac"/> (32 bytes), from the SHA-256 of its body.</summary>
    internal static void Compute(
        MicronKey key, string method, string audience, string pathAndQuery, string ts, string nonce, ReadOnlySpan<byte> bodyHash, Span<byte> mac)
    {
        // v2 \n method \n aud \n path+query \n ts \n nonce \n hex(sha256(body)), assembled in one buffer: one HMAC update, no strings.
        var length = Encoding.UTF8.GetMaxByteCount(Version.Length + method.Length + audience.Length + pathAndQuery.Length + ts.Length + nonce.Length)
            + 6 + (2 * SHA256.HashSizeInBytes);
        byte[]? rented = null;
        var payload = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var at = Append(payload, Version);
            at += Append(payload[at..], method);
            at += Append(payload[at..], audience);
            at += Append(payload[at..], pathAndQuery);
            at += Append(payload[at..], ts);
            at += Append(payload[at..], nonce);
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

    /// <summary>
    /// Reads the parts of a header value; <see langword="false"/> unless it is a well-formed v2 signature: each of
    /// <c>key</c>, <c>ts</c> (digits), <c>nonce</c> (8 to 64 characters), <c>aud</c> and <c>sig</c> once, nothing else.
    /// </summary>
    internal static bool TryParse(string header, out SignatureParts parts)
    {
        parts = default;
        if (header.Length > MaxHeaderLength || !header.StartsWith(Version + " ", StringComparison.Ordinal))
        {
            return false;
        }

        string? key = null, ts = null, nonce = null, audience = null, sig = null;
        foreach (var field in header[(Version.Length + 1)..].Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            var value = field[(equals + 1)..].Trim();
            ref var slot = ref key;
            switch (field[..equals].Trim())
            {
                case "key": slot = ref key; break;
                case "ts": slot = ref ts; break;
                case "nonce": slot = ref nonce; break;
                case "aud": slot = ref audience; break;
                case "sig": slot = ref sig; break;
                default: return false;
            }

            if (slot is not null || value.Length == 0)
            {
                return false; // a field twice, or empty
            }

            slot = value;
        }

        if (key is null || ts is not { Length: <= 19 } || ts.AsSpan().ContainsAnyExceptInRange('0', '9')
            || nonce is not { Length: >= 8 and <= 64 } || audience is null || sig is null)
        {
            return false;
        }

        parts = new SignatureParts(key, ts, nonce, audience, sig);
        return true;
    }
}
