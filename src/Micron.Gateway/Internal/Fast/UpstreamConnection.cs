using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Micron.Discovery;

namespace Micron.Gateway.Internal.Fast;

/// <summary>A kept-alive HTTP/1.1 connection to one instance.</summary>
internal sealed class UpstreamConnection : IDisposable
{
    private UpstreamConnection(Socket socket)
    {
        Socket = socket;
        Reader = PipeReader.Create(new NetworkStream(socket, ownsSocket: true), new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024));
    }

    public Socket Socket { get; }

    public PipeReader Reader { get; }

    /// <summary>Gets the upstream timeout of the request in flight, reset after each answer's head.</summary>
    public CancellationTokenSource Deadline { get; } = new();

    /// <summary>Gets or sets whether it served a request before (a kept-alive connection the instance may have closed since).</summary>
    public bool Reused { get; set; }

    public static async Task<UpstreamConnection> ConnectAsync(Uri instance, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(instance.Host, instance.Port, deadline.Token).ConfigureAwait(false);
            return new UpstreamConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Reader.Complete();
        Deadline.Dispose();
    }
}

/// <summary>
/// Idle kept-alive connections per instance, at most <see cref="MaxIdle"/> each; those to instances that left or were
/// evicted are closed when the registry changes.
/// </summary>
internal sealed class UpstreamPool : IDisposable
{
    private const int MaxIdle = 256;
    private readonly ConcurrentDictionary<string, Stack<UpstreamConnection>> _idle = new(StringComparer.Ordinal);
    private readonly IDisposable _pruning;

    public UpstreamPool(ServiceRegistry registry)
        => _pruning = Microsoft.Extensions.Primitives.ChangeToken.OnChange(
            registry.GetChangeToken, () => Prune(id => registry.All.Any(i => i.Id == id)));

    public UpstreamConnection? TryRent(ServiceInstance instance)
    {
        if (!_idle.TryGetValue(instance.Id, out var stack))
        {
            return null;
        }

        lock (stack)
        {
            return stack.TryPop(out var connection) ? connection : null;
        }
    }

    public void Return(ServiceInstance instance, UpstreamConnection connection)
    {
        var stack = _idle.GetOrAdd(instance.Id, static _ => new Stack<UpstreamConnection>());
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
        foreach (var (id, stack) in _idle)
        {
            if (!known(id) && _idle.TryRemove(id, out _))
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
