namespace Micron.Security.Internal;

/// <summary>The fields of a <c>Micron-Signature</c> header, as sent.</summary>
/// <param name="Key">The id of the key that signed.</param>
/// <param name="Ts">The signing time, unix seconds, as sent (the MAC covers the text).</param>
/// <param name="Nonce">The signature's unique value.</param>
/// <param name="Audience">The receiver it was signed for, <c>host:port</c>.</param>
/// <param name="Sig">The MAC, base64.</param>
internal readonly record struct SignatureParts(string Key, string Ts, string Nonce, string Audience, string Sig);
