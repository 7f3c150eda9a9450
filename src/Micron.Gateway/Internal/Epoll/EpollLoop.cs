using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Micron.Gateway.Internal.Epoll;

/// <summary>Something registered with a loop: told of readiness, on the loop's thread.</summary>
internal interface IEpollHandler
{
    void OnEvents(uint events);
}

/// <summary>
/// One thread waiting in <c>epoll_wait</c> (edge-triggered) and running what becomes ready inline: the reads of clients
/// and instances, and, through the pipes' inline schedulers, the forwarding itself, as an nginx worker does. A handler
/// registered once gets every later edge: no call to the kernel per wait.
/// </summary>
internal sealed partial class EpollLoop
{
    private const int MaxEvents = 256;
    private static readonly Lock Creating = new();
    private static EpollLoop[]? s_loops;
    private static int s_next;

    private readonly int _epfd;
    private readonly Lock _gate = new();
    private readonly Stack<int> _free = new();
    private readonly ILogger _logger;
    private IEpollHandler?[] _handlers = new IEpollHandler?[256];
    private int _next = 1;

    private EpollLoop(int index, ILogger logger)
    {
        _logger = logger;
        _epfd = Native.epoll_create1(Native.EPOLL_CLOEXEC);
        if (_epfd < 0)
        {
            throw new System.Net.Sockets.SocketException(Marshal.GetLastPInvokeError());
        }

        new Thread(Run) { IsBackground = true, Name = $"Micron epoll {index}" }.Start();
    }

    /// <summary>Gets whether this machine can run the loops: Linux on x64 or arm64.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>
    /// The next of the process's loops, one per core the process may run on (started at the first call), in turn: the
    /// listener hands each new connection to the next.
    /// </summary>
    public static EpollLoop Next(ILogger logger)
    {
        var loops = s_loops;
        if (loops is null)
        {
            lock (Creating)
            {
                loops = s_loops ??= [.. Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(i => new EpollLoop(i, logger))];
            }
        }

        return loops[(int)((uint)Interlocked.Increment(ref s_next) % (uint)loops.Length)];
    }

    /// <summary>Registers a non-blocking descriptor for every edge of readability and writability.</summary>
    /// <returns>The slot to release once the descriptor is closed.</returns>
    public int Register(int fd, IEpollHandler handler)
    {
        int slot;
        lock (_gate)
        {
            slot = _free.Count > 0 ? _free.Pop() : _next++;
            if (slot >= _handlers.Length)
            {
                var grown = new IEpollHandler?[_handlers.Length * 2];
                _handlers.CopyTo(grown, 0);
                Volatile.Write(ref _handlers, grown);
            }

            _handlers[slot] = handler;
        }

        if (Native.Control(_epfd, Native.EPOLL_CTL_ADD, fd, Native.EPOLLIN | Native.EPOLLOUT | Native.EPOLLRDHUP | Native.EPOLLET, (ulong)slot) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Release(slot);
            throw new System.Net.Sockets.SocketException(errno);
        }

        return slot;
    }

    /// <summary>
    /// Frees a slot once its descriptor is closed (closing takes it out of the epoll set). An edge still in flight may
    /// reach the slot's next handler: handlers treat an edge as "try", never as "there is data".
    /// </summary>
    public void Release(int slot)
    {
        lock (_gate)
        {
            _handlers[slot] = null;
            _free.Push(slot);
        }
    }

    private unsafe void Run()
    {
        var size = Native.EventSize;
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        while (true)
        {
            var count = Native.epoll_wait(_epfd, events, MaxEvents, -1);
            if (count < 0)
            {
                if (Marshal.GetLastPInvokeError() != Native.EINTR)
                {
                    LogWaitFailed(_logger, Marshal.GetLastPInvokeError());
                    Thread.Sleep(10);
                }

                continue;
            }

            var handlers = Volatile.Read(ref _handlers);
            for (var i = 0; i < count; i++)
            {
                var entry = events + (i * size);
                var slot = (int)*(ulong*)(entry + (size == 12 ? 4 : 8));
                try
                {
                    (slot < handlers.Length ? handlers[slot] : null)?.OnEvents(*(uint*)entry);
                }
                catch (Exception ex)
                {
                    // Handlers resume async methods, which keep their exceptions: this is a bug, and the loop goes on.
                    LogHandlerFailed(_logger, ex);
                }
            }
        }
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "epoll_wait failed with errno {Errno}")]
    private static partial void LogWaitFailed(ILogger logger, int errno);

    [LoggerMessage(EventId = 211, Level = LogLevel.Error, Message = "An epoll handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
