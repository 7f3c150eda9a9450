using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Micron.Gateway.Internal.Epoll;

/// <summary>
/// A non-blocking socket registered with a loop: its readiness edges, and reads and writes that report <c>errno</c>
/// rather than throw. Clients' connections and the fast path's connections to instances are both one.
/// </summary>
internal sealed class EpollSocket : IEpollHandler
{
    private const int MaxVectors = 64;
    private readonly int _slot;
    private MemoryHandle[]? _handles; // for gathering writes, by the one writer at a time
    private int _closed;
    private bool _mayReceive; // an edge came, or the last read filled its buffer: data may wait with no new edge

    public EpollSocket(Socket socket, EpollLoop loop)
    {
        Socket = socket;
        Fd = (int)socket.SafeHandle.DangerousGetHandle(); // for epoll_ctl only; reads and writes take the handle
        Loop = loop;
        _slot = loop.Register(Fd, this);
    }

    public Socket Socket { get; }

    public int Fd { get; }

    public EpollLoop Loop { get; }

    /// <summary>Gets the readable edges: wait on it before a read, and again once a read comes back short.</summary>
    public Readiness Readable { get; } = new();

    /// <summary>Gets the writable edges: wait on it once a write would block.</summary>
    public Readiness Writable { get; } = new();

    public void OnEvents(uint events)
    {
        // A hang-up or an error comes once, maybe with the last data: reads (and writes) go on without waiting from
        // then on, until they meet the end (or the error).
        if ((events & (Native.EPOLLHUP | Native.EPOLLERR | Native.EPOLLRDHUP)) != 0)
        {
            Readable.SignalForever();
        }
        else if ((events & Native.EPOLLIN) != 0)
        {
            Readable.Signal();
        }

        if ((events & (Native.EPOLLHUP | Native.EPOLLERR)) != 0)
        {
            Writable.SignalForever();
        }
        else if ((events & Native.EPOLLOUT) != 0)
        {
            Writable.Signal();
        }
    }

    /// <summary>
    /// Completes once a read may find data: at once when the last read filled its buffer (more may wait, and no new
    /// edge will say so), else at the next readable edge. A reader that allocates its buffer only then holds none while
    /// the peer is silent.
    /// </summary>
    public ValueTask WhenReceivableAsync()
    {
        if (_mayReceive)
        {
            return ValueTask.CompletedTask;
        }

        var edge = Readable.WaitAsync();
        if (edge.IsCompletedSuccessfully)
        {
            _mayReceive = true;
            return ValueTask.CompletedTask;
        }

        return AfterEdgeAsync(edge);
    }

    /// <summary>
    /// Reads what has come into <paramref name="buffer"/>, waiting as <see cref="WhenReceivableAsync"/> does: the bytes
    /// read, or 0 at the end. A read that comes back short has drained the socket; the next waits for an edge.
    /// </summary>
    /// <exception cref="SocketException">The socket failed.</exception>
    /// <exception cref="ObjectDisposedException">It was closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        while (true)
        {
            await WhenReceivableAsync().ConfigureAwait(false);
            var received = Receive(buffer.Span, out var errno);
            if (received >= 0)
            {
                _mayReceive = received == buffer.Length && received > 0;
                return received;
            }

            if (errno != Native.EINTR)
            {
                _mayReceive = false;
                if (errno != Native.EAGAIN)
                {
                    throw new SocketException(errno);
                }
            }
        }
    }

    /// <summary>Sends all of <paramref name="buffer"/>, waiting for the writable edge whenever the socket's buffer is full.</summary>
    /// <exception cref="SocketException">The socket failed.</exception>
    /// <exception cref="ObjectDisposedException">It was closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var sent = Send(buffer, out var errno);
            if (sent > 0)
            {
                buffer = buffer.Slice(sent);
            }
            else if (errno == Native.EAGAIN)
            {
                await Writable.WaitAsync().ConfigureAwait(false);
            }
            else if (errno != Native.EINTR)
            {
                throw new SocketException(errno);
            }
        }
    }

    /// <summary>Reads into <paramref name="buffer"/>: the bytes read, 0 at the end, or -1 with <paramref name="errno"/>.</summary>
    private unsafe int Receive(Span<byte> buffer, out int errno)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        fixed (byte* pointer = buffer)
        {
            var received = (int)Native.recv(Socket.SafeHandle, pointer, buffer.Length, 0);
            errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
            return received;
        }
    }

    /// <summary>Writes what it can of <paramref name="buffer"/>: the bytes written, or -1 with <paramref name="errno"/>.</summary>
    private unsafe int Send(ReadOnlySpan<byte> buffer, out int errno)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        fixed (byte* pointer = buffer)
        {
            var sent = (int)Native.send(Socket.SafeHandle, pointer, buffer.Length, Native.MSG_NOSIGNAL);
            errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
            return sent;
        }
    }

    /// <summary>Writes what it can of <paramref name="buffer"/>, one call for a single segment or up to 64 of them.</summary>
    private unsafe int Send(in ReadOnlySequence<byte> buffer, out int errno)
    {
        if (buffer.IsSingleSegment)
        {
            return Send(buffer.FirstSpan, out errno);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        var vectors = stackalloc Native.IoVector[MaxVectors];
        var handles = _handles ??= new MemoryHandle[MaxVectors];
        var count = 0;
        try
        {
            foreach (var segment in buffer)
            {
                if (segment.IsEmpty)
                {
                    continue;
                }

                handles[count] = segment.Pin();
                vectors[count] = new Native.IoVector { Base = handles[count].Pointer, Length = (nuint)segment.Length };
                if (++count == MaxVectors)
                {
                    break;
                }
            }

            var written = (int)Native.writev(Socket.SafeHandle, vectors, count);
            errno = written < 0 ? Marshal.GetLastPInvokeError() : 0;
            return written;
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                handles[i].Dispose();
            }
        }
    }

    private async ValueTask AfterEdgeAsync(ValueTask edge)
    {
        await edge.ConfigureAwait(false);
        _mayReceive = true;
    }

    /// <summary>
    /// Closes the socket (which takes it out of the epoll set) and fails what waits on it, from any thread, once.
    /// </summary>
    public void Close(Exception failure)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        Socket.Dispose();
        Loop.Release(_slot);
        Readable.Fail(failure);
        Writable.Fail(failure);
    }
}
