using System.Runtime.InteropServices;

namespace Micron.Gateway.Internal.Epoll;

/// <summary>The few Linux calls the epoll transport makes (x64 and arm64).</summary>
internal static unsafe partial class Native
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EINPROGRESS = 115;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int EPOLL_CLOEXEC = 0x80000;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* @event);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    // Reads and writes take the socket's handle, not its number: the marshaller holds a reference for the call, so a
    // socket closed meanwhile on another thread keeps its descriptor until the call returns, and its number cannot be
    // reused by a new socket under a call in flight.
    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(System.Net.Sockets.SafeSocketHandle socket, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(System.Net.Sockets.SafeSocketHandle socket, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint writev(System.Net.Sockets.SafeSocketHandle socket, IoVector* vectors, int count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>The size of <c>struct epoll_event</c>: packed (12 bytes) on x64, 16 elsewhere.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        var buffer = stackalloc byte[16];
        *(uint*)buffer = events;
        *(ulong*)(buffer + (EventSize == 12 ? 4 : 8)) = data;
        return epoll_ctl(epfd, op, fd, buffer);
    }
}
