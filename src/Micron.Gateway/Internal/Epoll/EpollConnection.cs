using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Micron.Gateway.Internal.Epoll;

/// <summary>
/// A client connection of the epoll transport: its socket is read into the input pipe when the loop reports it
/// readable (until a read comes back short, which means drained: the next edge says when there is more), and written
/// from the output pipe as soon as the application flushes, on the flushing thread; a full socket buffer waits for the
/// writable edge. Both pipes schedule inline, so the application runs on the loop's thread.
/// </summary>
internal sealed class EpollConnection : ConnectionContext
{
    private static long s_ids;
    private readonly EpollSocket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private int _closedFired;

    public EpollConnection(Socket socket, EpollLoop loop)
    {
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionId = "E" + Interlocked.Increment(ref s_ids).ToString("X", System.Globalization.CultureInfo.InvariantCulture);
        _input = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        ConnectionClosed = _closed.Token;
        _socket = new EpollSocket(socket, loop);
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    /// <summary>Gets the loop this connection runs on; the fast path's connections to instances join it.</summary>
    public EpollLoop Loop => _socket.Loop;

    public override IDuplexPipe Transport { get; set; }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _output.Reader.CancelPendingRead();
        Close(abortReason);
    }

    public override async ValueTask DisposeAsync()
    {
        _output.Writer.Complete();
        _input.Reader.Complete();
        await _sending.ConfigureAwait(false);
        Close(null);
        await _receiving.ConfigureAwait(false);
        _closed.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                // A buffer is taken only once there is something to read: an idle connection holds none.
                await _socket.WhenReceivableAsync().ConfigureAwait(false);
                var received = await _socket.ReceiveAsync(writer.GetMemory(4096)).ConfigureAwait(false);
                if (received == 0)
                {
                    return; // the client closed its side
                }

                writer.Advance(received);
                if ((await writer.FlushAsync().ConfigureAwait(false)).IsCompleted)
                {
                    return;
                }
            }
        }
        catch (SocketException ex)
        {
            error = new ConnectionResetException(ex.Message, ex);
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            writer.Complete(error is ObjectDisposedException ? null : error);
            FireClosed();
        }
    }

    private async Task SendAsync()
    {
        var reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                await _socket.SendAsync(result.Buffer).ConfigureAwait(false);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // The application completed its output with an error (an answer it could not finish), or the socket failed.
            error = ex;
        }
        finally
        {
            reader.Complete();

            // As Kestrel's own transport: once the output ends, for any reason, the connection ends. A cut is the only
            // honest signal of an answer that could not be finished.
            Close(error is null ? null : new ConnectionAbortedException(error.Message, error));
        }
    }

    private void Close(Exception? reason)
    {
        _socket.Close(reason ?? new ObjectDisposedException(nameof(EpollConnection)));
        FireClosed();
    }

    // Once: when the client's side ends, or the connection is closed, whichever comes first.
    private void FireClosed()
    {
        if (Interlocked.Exchange(ref _closedFired, 1) != 0)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static state => { try { state.Cancel(); } catch (ObjectDisposedException) { } }, _closed, preferLocal: false);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
