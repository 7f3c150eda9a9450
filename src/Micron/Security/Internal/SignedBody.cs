namespace Micron.Security.Internal;

/// <summary>A request body whose bytes the signer reads as they are, without buffering the content a second time.</summary>
internal sealed class SignedBody(byte[] bytes) : ByteArrayContent(bytes)
{
    public byte[] Bytes { get; } = bytes;
}
