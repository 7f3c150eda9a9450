using System.Net;

namespace Micron.Gateway.Internal;

/// <summary>The client's request body, streamed to the upstream as it arrives; knows whether any of it was sent.</summary>
internal sealed class RequestBodyContent(Stream body, long? length) : HttpContent
{
    /// <summary>Gets whether the upstream started reading the body: from then on the request cannot be retried.</summary>
    public bool Started { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Started = true;
        await body.CopyToAsync(stream, 16 * 1024, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length ?? 0;
        return length is not null;
    }
}
