namespace Micron.Tests.Gateway;

/// <summary>
/// Reads an HTTP/1.1 byte stream as the tests need it: up to a delimiter, a counted number of bytes, or the end. A reset
/// ends the stream as a close does; every byte read is shown to <c>record</c> first.
/// </summary>
internal sealed class WireReader(Stream stream, Action<ReadOnlyMemory<byte>>? record = null)
{
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>Takes the bytes read that no call has taken yet.</summary>
    public byte[] TakeBuffered() => Take(_end - _start);

    /// <summary>Reads through the next <paramref name="delimiter"/>; <see langword="null"/> when the stream ends first.</summary>
    public async Task<byte[]?> ReadThroughAsync(byte[] delimiter, CancellationToken cancellationToken)
    {
        var searched = 0;
        while (true)
        {
            var at = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf(delimiter);
            if (at >= 0)
            {
                return Take(searched + at + delimiter.Length);
            }

            searched = Math.Max(0, _end - _start - delimiter.Length + 1);
            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; <see langword="null"/> when the stream ends first.</summary>
    public async Task<byte[]?> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }

        return Take(count);
    }

    /// <summary>Reads and drops <paramref name="count"/> bytes; <see langword="false"/> when the stream ends first.</summary>
    public async Task<bool> SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_end == _start && !await FillAsync(cancellationToken))
            {
                return false;
            }

            var taken = (int)Math.Min(count, _end - _start);
            _start += taken;
            count -= taken;
        }

        return true;
    }

    /// <summary>Reads everything up to the end of the stream.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        while (await FillAsync(cancellationToken))
        {
        }

        return Take(_end - _start);
    }

    private byte[] Take(int count)
    {
        var taken = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        return taken;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            (_start, _end) = (0, 0);
        }
        else if (_end == _buffer.Length)
        {
            var larger = new byte[_end - _start > _buffer.Length / 2 ? _buffer.Length * 2 : _buffer.Length];
            _buffer.AsSpan(_start, _end - _start).CopyTo(larger);
            (_buffer, _end, _start) = (larger, _end - _start, 0);
        }

        int read;
        try
        {
            read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (read == 0)
        {
            return false;
        }

        record?.Invoke(_buffer.AsMemory(_end, read));
        _end += read;
        return true;
    }
}
