using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
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
                await _socket.Readable.WaitAsync().ConfigureAwait(false);
                while (true)
                {
                    var memory = writer.GetMemory(4096);
                    var received = _socket.Receive(memory.Span, out var errno);
                    if (received > 0)
                    {
                        writer.Advance(received);
                        var flushed = await writer.FlushAsync().ConfigureAwait(false);
                        if (flushed.IsCompleted)
                        {
                            return;
                        }

                        if (received < memory.Length)
                        {
                            break; // drained: the next edge says when there is more
                        }

                        continue;
                    }

                    if (received == 0)
                    {
                        return; // the client closed its side
                    }

                    if (errno == Native.EAGAIN)
                    {
                        break;
                    }

                    if (errno != Native.EINTR)
                    {
                        error = new ConnectionResetException(new SocketException(errno).Message);
                        return;
                    }
                }
            }
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

                // One call for the whole buffer: a send for one segment, a gathering write for several (a body
                // streamed through comes in many small segments).
                var rest = result.Buffer;
                while (!rest.IsEmpty)
                {
                    var sent = _socket.Send(rest, out var errno);
                    if (sent > 0)
                    {
                        rest = rest.Slice(sent);
                    }
                    else if (errno == Native.EAGAIN)
                    {
                        await _socket.Writable.WaitAsync().ConfigureAwait(false);
                    }
                    else if (errno != Native.EINTR)
                    {
                        throw new SocketException(errno);
                    }
                }

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
        if (_socket.Close(reason ?? new ObjectDisposedException(nameof(EpollConnection))))
        {
            FireClosed();
        }
    }

    private void FireClosed()
    {
        ThreadPool.UnsafeQueueUserWorkItem(static state => { try { state.Cancel(); } catch (ObjectDisposedException) { } }, _closed, preferLocal: false);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
