using Micron.Http;
using Micron.Http.Internal;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Security.Internal;

/// <summary>
/// Guards every internal endpoint under <c>/_micron/</c> except the health probes: the allow list first
/// (403 <c>ip_not_allowed</c>), then the shared secret (<c>Authorization: Bearer</c>) or a valid
/// <c>Micron-Signature</c> (401 with the reason).
/// </summary>
internal sealed partial class InternalAccessMiddleware(
    RequestDelegate next, MicronKeyRing keys, SignatureVerifier verifier, IpAllowList allowList, IOptions<Hosting.MicronOptions> options,
    ILogger<InternalAccessMiddleware> logger)
{
    public const string Prefix = "/_micron";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Prefix, out var rest) || rest.StartsWithSegments("/health"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var code = allowList.Allows(context.Connection.RemoteIpAddress)
            ? await AuthenticateAsync(context).ConfigureAwait(false)
            : SecurityErrors.IpNotAllowed;
        if (code is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        LogRefused(logger, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "unix socket", code);
        var status = code == SecurityErrors.IpNotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        await ErrorResponse.WriteAsync(context, status, code, SecurityErrors.Message(code), null).ConfigureAwait(false);
    }

    private async ValueTask<string?> AuthenticateAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization.AsSpan(7).Trim();
            foreach (var key in keys.Keys)
            {
                if (key.Matches(token))
                {
                    return null;
                }
            }

            return SecurityErrors.Unauthorized;
        }

        var signature = request.Headers[MicronSignature.HeaderName].ToString();
        if (signature.Length == 0)
        {
            return SecurityErrors.Unauthorized;
        }

        // The body is part of what was signed: read it (bounded) before anything acts on it.
        var body = await request.ReadBufferAsync(options.Value.MaxMessageSize, context.RequestAborted).ConfigureAwait(false);
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        return verifier.Verify(signature, request.Method, target, body.Span);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Address}: {Code}")]
    private static partial void LogRefused(ILogger logger, string method, PathString path, string address, string code);
}
