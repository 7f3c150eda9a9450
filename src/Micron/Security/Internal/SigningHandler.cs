namespace Micron.Security.Internal;

/// <summary>
/// Signs every request an internal HTTP client sends, for the host its URL names (the audience); a retried request is
/// signed again, with a new nonce.
/// </summary>
internal sealed class SigningHandler(MicronKeyRing keys, TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content switch
        {
            null => [],
            SignedBody signed => signed.Bytes,
            _ => await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false),
        };
        var url = request.RequestUri!;
        request.Headers.Remove(MicronSignature.HeaderName);
        request.Headers.TryAddWithoutValidation(
            MicronSignature.HeaderName,
            MicronSignature.Create(keys.Signing, request.Method.Method, MicronSignature.AudienceOf(url), url.PathAndQuery, body, time.GetUtcNow().ToUnixTimeSeconds()));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
