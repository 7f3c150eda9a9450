using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Micron.Discovery;

namespace Micron.Gateway.Internal.Fast;

/// <summary>
/// A kept-alive HTTP/1.1 connection to one instance, read straight from its socket into a buffer of its own: what is
/// <see cref="Buffered"/> is what the instance sent and the forwarder has not consumed yet.
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    // On an epoll loop (when its client's connection is): reads wait for the readable edge, never speculate.
    private Epoll.EpollSocket? _epoll;

    private UpstreamConnection(Socket socket, ServiceInstance instance, byte[] authority)
    {
        Socket = socket;
        Instance = instance;
        Authority = authority;
    }

    public Socket Socket { get; }

    /// <summary>Gets the instance it is connected to.</summary>
    public ServiceInstance Instance { get; }

    /// <summary>Gets the instance's authority in ASCII, the <c>Host</c> its requests carry.</summary>
    public byte[] Authority { get; }

    /// <summary>Gets the epoll loop it runs on, or <see langword="null"/> on .NET's sockets.</summary>
    public Epoll.EpollLoop? Loop => _epoll?.Loop;

    /// <summary>Gets or sets whether it served a request before (a kept-alive connection the instance may have closed since).</summary>
    public bool Reused { get; set; }

    /// <summary>Gets the bytes received and not yet consumed.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public int BufferedLength => _end - _start;

    /// <summary>Connects to an instance: on <paramref name="loop"/> when the client's connection runs on one, else with .NET's sockets.</summary>
    public static async Task<UpstreamConnection> ConnectAsync(ServiceInstance instance, byte[] authority, TimeSpan timeout, Epoll.EpollLoop? loop, CancellationToken cancellationToken)
    {
        if (loop is not null)
        {
            return await ConnectOnLoopAsync(loop, instance, authority, timeout, cancellationToken).ConfigureAwait(false);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(instance.BaseUri.Host, instance.BaseUri.Port, deadline.Token).ConfigureAwait(false);
            socket.Blocking = false; // a synchronous send returns WouldBlock rather than block the thread
            return new UpstreamConnection(socket, instance, authority);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<UpstreamConnection> ConnectOnLoopAsync(Epoll.EpollLoop loop, ServiceInstance instance, byte[] authority, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var host = instance.BaseUri.Host.Trim('[', ']');
        var addresses = System.Net.IPAddress.TryParse(host, out var parsed) ? [parsed]
            : await System.Net.Dns.GetHostAddressesAsync(host, deadline.Token).ConfigureAwait(false);
        SocketException? refused = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
            var connection = new UpstreamConnection(socket, instance, authority);
            try
            {
                try
                {
                    socket.Connect(new System.Net.IPEndPoint(address, instance.BaseUri.Port));
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    // Under way: the socket turns writable once it is connected, or has failed.
                }

                connection.Attach(loop);
                using (deadline.Token.UnsafeRegister(static c => ((UpstreamConnection)c!).Dispose(), connection))
                {
                    // An edge meant for the slot's last owner may come first: wait until the socket itself says done.
                    do
                    {
                        await connection._epoll!.Writable.WaitAsync().ConfigureAwait(false);
                    }
                    while (!socket.Poll(0, SelectMode.SelectWrite) && !socket.Poll(0, SelectMode.SelectError));
                }

                var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }

                return connection;
            }
            catch (SocketException ex)
            {
                connection.Dispose();
                refused = ex;
            }
            catch (ObjectDisposedException)
            {
                connection.Dispose();
                deadline.Token.ThrowIfCancellationRequested();
                throw;
            }
        }

        throw refused ?? new SocketException((int)SocketError.HostNotFound);
    }

    private void Attach(Epoll.EpollLoop loop) => _epoll = new Epoll.EpollSocket(Socket, loop);

    /// <summary>Marks <paramref name="count"/> buffered bytes consumed.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            (_start, _end) = (0, 0);
        }
    }

    /// <summary>
    /// Receives more bytes after those buffered; <see langword="false"/> when the instance closed the connection, or
    /// when <paramref name="limit"/> bytes are buffered already.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FillAsync(int limit = BufferSize)
    {
        var room = Room(limit);
        if (room.IsEmpty)
        {
            return false;
        }

        var received = _epoll is not null
            ? await _epoll.ReceiveAsync(room).ConfigureAwait(false)
            : await Socket.ReceiveAsync(room, SocketFlags.None).ConfigureAwait(false);
        _end += received;
        return received > 0;
    }

    /// <summary>
    /// Sends a request whole: at once as a rule, as the socket does not block; only what a full send buffer leaves
    /// goes out asynchronously.
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> request)
    {
        if (_epoll is not null)
        {
            return _epoll.SendAsync(new System.Buffers.ReadOnlySequence<byte>(request));
        }

        var sent = Socket.Send(request.Span, SocketFlags.None, out var error);
        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            throw new SocketException((int)error);
        }

        return sent == request.Length ? ValueTask.CompletedTask : SendRestAsync(request[sent..]);
    }

    // Room after the buffered bytes, compacting the buffer or growing it up to the limit; empty once that many are buffered.
    private Memory<byte> Room(int limit)
    {
        if (_end == _buffer.Length)
        {
            if (_end - _start >= limit)
            {
                return Memory<byte>.Empty;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            }
            else
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, limit));
            }

            (_start, _end) = (0, _end - _start);
        }

        return _buffer.AsMemory(_end);
    }

    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> rest)
    {
        while (!rest.IsEmpty)
        {
            rest = rest[await Socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false)..];
        }
    }

    /// <summary>Closes the connection; from another thread, what waits on it fails (as the upstream timeout needs).</summary>
    public void Dispose()
    {
        if (_epoll is not null)
        {
            _epoll.Close(new ObjectDisposedException(nameof(UpstreamConnection)));
        }
        else
        {
            Socket.Dispose();
        }
    }
}

/// <summary>
/// Idle kept-alive connections per instance and per epoll loop (or .NET's sockets), at most <see cref="MaxIdle"/> each:
/// a client on a loop gets a connection on its own loop, whose answer is read on the client's thread. Those to
/// instances that left or were evicted are closed when the registry changes.
/// </summary>
internal sealed class UpstreamPool : IDisposable
{
    private const int MaxIdle = 256;
    private readonly ConcurrentDictionary<(string Instance, Epoll.EpollLoop? Loop), Stack<UpstreamConnection>> _idle = new();
    private readonly ConditionalWeakTable<ServiceInstance, byte[]> _authorities = [];
    private readonly IDisposable _pruning;

    public UpstreamPool(ServiceRegistry registry)
        => _pruning = Microsoft.Extensions.Primitives.ChangeToken.OnChange(
            registry.GetChangeToken, () => Prune(id => registry.All.Any(i => i.Id == id)));

    /// <summary>The instance's authority in ASCII, worked out once per instance.</summary>
    public byte[] AuthorityOf(ServiceInstance instance)
        => _authorities.TryGetValue(instance, out var authority)
            ? authority
            : _authorities.GetValue(instance, static i => Encoding.ASCII.GetBytes(i.BaseUri.Authority));

    /// <summary>An idle connection to <paramref name="instance"/> at <paramref name="authority"/> on <paramref name="loop"/>, if there is one.</summary>
    public UpstreamConnection? TryRent(ServiceInstance instance, byte[] authority, Epoll.EpollLoop? loop)
    {
        if (!_idle.TryGetValue((instance.Id, loop), out var stack))
        {
            return null;
        }

        lock (stack)
        {
            // An instance announced again at another address keeps its id: its old connections are not reused.
            while (stack.TryPop(out var connection))
            {
                if (ReferenceEquals(connection.Authority, authority) || connection.Authority.AsSpan().SequenceEqual(authority))
                {
                    return connection;
                }

                connection.Dispose();
            }

            return null;
        }
    }

    public void Return(UpstreamConnection connection)
    {
        var stack = _idle.GetOrAdd((connection.Instance.Id, connection.Loop), static _ => new Stack<UpstreamConnection>());
        connection.Reused = true;
        lock (stack)
        {
            if (stack.Count < MaxIdle)
            {
                stack.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    private void Prune(Func<string, bool> known)
    {
        foreach (var (key, stack) in _idle)
        {
            if (!known(key.Instance) && _idle.TryRemove(key, out _))
            {
                lock (stack)
                {
                    while (stack.TryPop(out var connection))
                    {
                        connection.Dispose();
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        _pruning.Dispose();
        Prune(static _ => false);
    }
}
