using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Micron.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Gateway.Internal.Epoll;

/// <summary>
/// Kestrel's transport on the gateway's epoll loops, for TCP endpoints on Linux when <see cref="GatewayOptions.EpollTransport"/>
/// asks for it; Kestrel binds anything else with its own sockets.
/// </summary>
internal sealed class EpollTransportFactory(IOptions<GatewayOptions> options, IOptions<MicronOptions> micron, ILogger<EpollTransportFactory> logger)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private bool Wanted => options.Value.EpollTransport ?? micron.Value.RunsNoService;

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint && EpollLoop.IsSupported && Wanted;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IConnectionListener>(new EpollListener((IPEndPoint)endpoint, logger));
}

/// <summary>A listening socket on a loop; each connection it accepts goes to the next loop.</summary>
internal sealed class EpollListener : IConnectionListener, IEpollHandler
{
    private readonly Socket _socket;
    private readonly EpollLoop _loop;
    private readonly int _slot;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _accepted = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleWriter = true });
    private int _unbound;

    public EpollListener(IPEndPoint endpoint, ILogger logger)
    {
        _logger = logger;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                _socket.DualMode = true;
            }

            // As Kestrel's sockets transport: a port in TIME_WAIT can be bound again.
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            _socket.Dispose();
            throw new AddressInUseException(ex.Message, ex);
        }

        _socket.Listen(512);
        _socket.Blocking = false;
        EndPoint = _socket.LocalEndPoint!;
        _loop = EpollLoop.Next(logger);
        _slot = _loop.Register((int)_socket.SafeHandle.DangerousGetHandle(), this);
    }

    public EndPoint EndPoint { get; }

    public void OnEvents(uint events)
    {
        while (Volatile.Read(ref _unbound) == 0)
        {
            Socket accepted;
            try
            {
                accepted = _socket.Accept(); // non-blocking: WouldBlock once every pending connection is taken
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before it was accepted, or out of descriptors: the next edge tries again.
                EpollLog.AcceptFailed(_logger, ex.SocketErrorCode);
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            try
            {
                accepted.Blocking = false;
                accepted.NoDelay = true;
                _accepted.Writer.TryWrite(new EpollConnection(accepted, EpollLoop.Next(_logger)));
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                accepted.Dispose(); // gone before it started
            }
        }
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unbound, 1) == 0)
        {
            _socket.Dispose();
            _loop.Release(_slot);
            _accepted.Writer.TryComplete();
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync().ConfigureAwait(false);

        // Connections accepted but never taken by Kestrel are closed.
        while (_accepted.Reader.TryRead(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

internal static partial class EpollLog
{
    [LoggerMessage(EventId = 212, Level = LogLevel.Debug, Message = "Accepting a connection failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, SocketError error);
}
