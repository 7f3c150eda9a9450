namespace Micron.Security.Internal;

/// <summary>The error codes of internal-endpoint access (see <c>docs/spec/security.md</c>).</summary>
internal static class SecurityErrors
{
    public const string IpNotAllowed = "ip_not_allowed";
    public const string Unauthorized = "unauthorized";
    public const string SignatureInvalid = "signature_invalid";
    public const string SignatureExpired = "signature_expired";
    public const string SignatureAudience = "signature_audience";
    public const string NonceReused = "nonce_reused";

    public static string Message(string code) => code switch
    {
        IpNotAllowed => "This address may not call internal endpoints",
        SignatureInvalid => "The request signature is not valid",
        SignatureExpired => "The request signature is outside the 30 s window",
        SignatureAudience => "The request was signed for another host",
        NonceReused => "The request signature was already used",
        _ => "A shared secret or a request signature is required",
    };
}
