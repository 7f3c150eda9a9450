using System.Net;
using System.Security.Cryptography;
using System.Text;
using Micron.Http;
using Micron.Http.Internal;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Security.Internal;

/// <summary>
/// Guards every internal endpoint under <c>/_micron/</c> except the health probes: the allow list first
/// (403 <c>ip_not_allowed</c>), then the shared secret (<c>Authorization: Bearer</c>) or a valid
/// <c>Micron-Signature</c> (401 with the reason). The dashboard asks people for the secret (HTTP Basic, or a bearer
/// token), and lets a local browser in without it only where <see cref="Hosting.DashboardOptions.Access"/> says so.
/// </summary>
internal sealed partial class InternalAccessMiddleware(
    RequestDelegate next, MicronKeyRing keys, SignatureVerifier verifier, HostAudience audience, IpAllowList allowList,
    IOptions<Hosting.MicronOptions> options, ILogger<InternalAccessMiddleware> logger)
{
    public const string Prefix = "/_micron";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Prefix, out var rest) || rest.StartsWithSegments("/health"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var dashboard = rest.StartsWithSegments("/dashboard");
        var code = !allowList.Allows(context.Connection.RemoteIpAddress) ? SecurityErrors.IpNotAllowed
            : dashboard ? AuthenticateViewer(context)
            : await AuthenticateAsync(context).ConfigureAwait(false);
        if (code is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        LogRefused(logger, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "unix socket", code);
        var status = code == SecurityErrors.IpNotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        if (dashboard && status == StatusCodes.Status401Unauthorized)
        {
            // A browser asks for the secret itself (any user name, the secret as password).
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Micron dashboard\", charset=\"UTF-8\"";
        }

        await ErrorResponse.WriteAsync(context, status, code, SecurityErrors.Message(code), null).ConfigureAwait(false);
    }

    // The dashboard is for people: they give the secret, as a bearer token or as the password of HTTP Basic (a browser
    // asks for it). Where the options open it to loopback, a local request needs nothing, unless it names a proxy; a
    // proxy on this machine that names nobody makes every visitor look local, which is why that is opt-in.
    private string? AuthenticateViewer(HttpContext context)
    {
        var request = context.Request;
        if (options.Value.Dashboard.Access == Hosting.DashboardAccess.Loopback
            && (context.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address))
            && !request.Headers.ContainsKey("X-Forwarded-For") && !request.Headers.ContainsKey("Forwarded"))
        {
            return null;
        }

        var authorization = request.Headers.Authorization.ToString();
        ReadOnlySpan<char> secret = default;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            secret = authorization.AsSpan(7).Trim();
        }
        else if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            Span<byte> decoded = stackalloc byte[512];
            if (Convert.TryFromBase64String(authorization[6..].Trim(), decoded, out var written)
                && Encoding.UTF8.GetString(decoded[..written]) is var credentials && credentials.IndexOf(':') is >= 0 and var colon)
            {
                secret = credentials.AsSpan(colon + 1);
            }
        }

        return !secret.IsEmpty && keys.Accepts(secret) ? null : SecurityErrors.Unauthorized;
    }

    private async ValueTask<string?> AuthenticateAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return keys.Accepts(authorization.AsSpan(7).Trim()) ? null : SecurityErrors.Unauthorized;
        }

        var signature = request.Headers[MicronSignature.HeaderName].ToString();
        if (signature.Length == 0)
        {
            return SecurityErrors.Unauthorized;
        }

        // Whatever the headers decide is decided before a byte of the body is read: a forged or replayed request with a
        // large body costs this host nothing but its headers.
        if (verifier.Check(signature, audience.Accepted, out var parts, out var key) is { } refused)
        {
            return refused;
        }

        // The body is part of what was signed: read it (bounded, 413 from Content-Length before reading), hashing it as
        // it arrives, before anything acts on it. The endpoint gets the same buffer.
        var hash = BodyHashes.Rent();
        try
        {
            await request.ReadBufferAsync(options.Value.MaxMessageSize, hash, context.RequestAborted).ConfigureAwait(false);
        }
        catch
        {
            hash.Dispose(); // holding part of a body: never reused
            throw;
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var code = Complete(verifier, parts, key!, request.Method, target, hash);
        BodyHashes.Return(hash);
        return code;
    }

    private static string? Complete(SignatureVerifier verifier, in SignatureParts parts, MicronKey key, string method, string target, IncrementalHash hash)
    {
        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(bodyHash);
        return verifier.Complete(parts, key, method, target, bodyHash);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Address}: {Code}")]
    private static partial void LogRefused(ILogger logger, string method, PathString path, string address, string code);
}
