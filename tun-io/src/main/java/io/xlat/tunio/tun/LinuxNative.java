package io.xlat.tunio.tun;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

import java.util.Locale;

/**
 * Every Linux system call, struct layout and constant the TUN data plane uses, in one place. The values are
 * those of x86-64 and AArch64 (the asm-generic ioctl encoding and flag values); other architectures are refused
 * when this class loads rather than passed wrong numbers.
 *
 * <p>Buffers cross into native code as raw addresses ({@code @intptr_t long}), never as jnr {@code Pointer} or
 * array arguments, so that a call on the data path marshals nothing and allocates nothing.
 */
public final class LinuxNative {

    // ---- fcntl.h: open(2) flags ---------------------------------------------------------------------
    public static final int O_RDONLY = 0x0;
    public static final int O_RDWR = 0x2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    // ---- sched.h: setns(2) --------------------------------------------------------------------------
    public static final int CLONE_NEWNET = 0x40000000;

    // ---- signal.h ------------------------------------------------------------------------------------
    public static final int SIGHUP = 1;
    public static final int ESRCH = 3;

    // ---- sys/socket.h -------------------------------------------------------------------------------
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = O_NONBLOCK;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;

    // ---- linux/netlink.h, linux/rtnetlink.h: routes (start, reload and stop only) -----------------------
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int NETLINK_ROUTE = 0;
    /** struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }, host byte order. */
    public static final int NLMSGHDR_LENGTH = 16;
    public static final int NLMSG_LEN_OFFSET = 0;
    public static final int NLMSG_TYPE_OFFSET = 4;
    public static final int NLMSG_FLAGS_OFFSET = 6;
    public static final int NLMSG_SEQ_OFFSET = 8;
    public static final int NLMSG_PID_OFFSET = 12;
    public static final int NLMSG_ERROR = 2;
    /** struct nlmsgerr { int error; struct nlmsghdr msg; }: the error is 0 for an acknowledgement, else -errno. */
    public static final int NLMSGERR_ERROR_OFFSET = NLMSGHDR_LENGTH;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_CREATE = 0x400;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    /** struct rtmsg { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; }. */
    public static final int RTMSG_LENGTH = 12;
    public static final int RTM_FAMILY_OFFSET = 0;
    public static final int RTM_DST_LEN_OFFSET = 1;
    public static final int RTM_TABLE_OFFSET = 4;
    public static final int RTM_PROTOCOL_OFFSET = 5;
    public static final int RTM_SCOPE_OFFSET = 6;
    public static final int RTM_TYPE_OFFSET = 7;
    public static final int RT_TABLE_MAIN = 254;
    public static final int RTPROT_STATIC = 4;
    public static final int RT_SCOPE_LINK = 253;
    /** In a delete request: match a route of any scope. */
    public static final int RT_SCOPE_NOWHERE = 255;
    public static final int RTN_UNICAST = 1;
    /** struct rtattr { u16 len; u16 type; } then the value, each attribute padded to 4 bytes. */
    public static final int RTA_HEADER_LENGTH = 4;
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_PRIORITY = 6;

    // ---- poll.h: struct pollfd { int fd; short events; short revents; } -----------------------------
    public static final int POLLIN = 0x1;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;
    public static final int POLLFD_LENGTH = 8;
    public static final int POLLFD_FD_OFFSET = 0;
    public static final int POLLFD_EVENTS_OFFSET = 4;
    public static final int POLLFD_REVENTS_OFFSET = 6;

    // ---- linux/if_tun.h ------------------------------------------------------------------------------
    /** {@code _IOW('T', 202, int)}. */
    public static final long TUNSETIFF = 0x400454caL;
    public static final int IFF_TUN = 0x0001;
    /** No struct tun_pi in front of each packet: a read returns exactly one IP packet. */
    public static final int IFF_NO_PI = 0x1000;
    /** One file descriptor per queue; the kernel spreads flows over the queues by hash. */
    public static final int IFF_MULTI_QUEUE = 0x0100;
    /** A struct virtio_net_hdr in front of every packet, both ways: see {@link VirtioNetHeader}. */
    public static final int IFF_VNET_HDR = 0x4000;
    /** {@code _IOW('T', 208, unsigned int)}: which offloads the reader takes (TUN_F_*), by value. */
    public static final long TUNSETOFFLOAD = 0x400454d0L;
    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_TSO_ECN = 0x08;
    /** UDP segmentation offload, IPv4 and IPv6 (Linux 6.2+; older kernels answer EINVAL, and take only both). */
    public static final int TUN_F_USO4 = 0x20;
    public static final int TUN_F_USO6 = 0x40;
    /** {@code _IOW('T', 216, int)}: the virtio-net header's size, through a pointer to an int. */
    public static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** {@code _IOW('T', 220, int)}: the header in little-endian order (1), through a pointer to an int. */
    public static final long TUNSETVNETLE = 0x400454dcL;
    /** struct iovec on LP64: base pointer, then length. */
    public static final int IOVEC_LENGTH = 16;

    // ---- linux/sockios.h: interface ioctls on any socket ---------------------------------------------
    public static final long SIOCGIFFLAGS = 0x8913L;
    public static final long SIOCSIFFLAGS = 0x8914L;
    public static final long SIOCGIFMTU = 0x8921L;
    public static final long SIOCSIFMTU = 0x8922L;

    // ---- net/if.h: struct ifreq { char ifr_name[IFNAMSIZ]; union { short flags; int mtu; ... } } -----
    public static final int IFF_UP = 0x1;
    public static final int IFNAMSIZ = 16;
    /** sizeof(struct ifreq) on LP64: the name and a 24-byte union (struct ifmap is the largest member). */
    public static final int IFREQ_LENGTH = 40;
    public static final int IFREQ_NAME_OFFSET = 0;
    public static final int IFREQ_FLAGS_OFFSET = 16;
    public static final int IFREQ_MTU_OFFSET = 16;

    // ---- sys/mman.h: mmap(2) of the io_uring rings ----------------------------------------------------
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x8000;
    /** What mmap(2) returns on failure, {@code (void *) -1}. */
    public static final long MAP_FAILED = -1L;
    /** mmap(2) and munmap(2) differ by architecture (x86-64's own table, AArch64 the generic one). */
    private static final boolean X86_64 = !System.getProperty("os.arch", "").equals("aarch64");
    static final long SYS_MMAP = X86_64 ? 9 : 222;
    static final long SYS_MUNMAP = X86_64 ? 11 : 215;

    // ---- errno.h ------------------------------------------------------------------------------------
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EBADFD = 77;
    public static final int EEXIST = 17;
    public static final int ENETUNREACH = 101;
    public static final int ENOBUFS = 105;
    public static final int ENOSYS = 38;
    public static final int ECANCELED = 125;

    /** The C library functions used, bound by jnr-ffi. Addresses are plain longs (see the class comment). */
    public interface LibC {
        int open(String path, int flags);

        int close(int fd);

        @ssize_t long read(int fd, @intptr_t long buffer, @size_t long count);

        @ssize_t long write(int fd, @intptr_t long buffer, @size_t long count);

        @ssize_t long writev(int fd, @intptr_t long iov, int iovcnt);

        int poll(@intptr_t long fds, @u_int64_t long nfds, int timeoutMillis);

        @Variadic(fixedCount = 2)
        int ioctl(int fd, @u_int64_t long request, @intptr_t long argument);

        int socket(int domain, int type, int protocol);

        int socketpair(int domain, int type, int protocol, @Out int[] fds);

        int if_nametoindex(String name);

        /** As above with the name as NUL-terminated bytes: no conversion (and garbage) per call, for polling. */
        int if_nametoindex(byte[] name);

        int setns(int fd, int nstype);

        int kill(int pid, int signal);

        String strerror(int errno);

        /**
         * A raw system call: io_uring's, which glibc has no wrapper for, and mmap(2): glibc's own wrapper, bound
         * here, refused every mapping with EINVAL before making the call (its offset argument arrived garbled).
         */
        long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);
    }

    /** The bound C library. */
    public static final LibC LIBC;
    private static final Runtime RUNTIME;

    static {
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            throw new UnsupportedOperationException("TUN devices are supported on Linux x86-64 and AArch64 only"
                + " (this is " + os + "/" + arch + "; ioctl numbers and flags differ elsewhere)");
        }
        LIBC = LibraryLoader.create(LibC.class).load("c");
        RUNTIME = Runtime.getRuntime(LIBC);
        SYSCALL = Library.getCachedInstance("libc.so.6", Library.LAZY | Library.GLOBAL).getSymbolAddress("syscall");
        final Type[] six = {Type.SINT64, Type.SINT64, Type.SINT64, Type.SINT64, Type.SINT64, Type.SINT64};
        SYSCALL_5 = CallContext.getCallContext(Type.SINT64, six, CallingConvention.DEFAULT, true);
    }

    /** syscall(2) and its call context for a number and five arguments, errno saved (see {@link #syscall5}). */
    private static final long SYSCALL;
    private static final CallContext SYSCALL_5;

    private LinuxNative() {
    }

    /**
     * Maps {@code length} bytes of {@code fd} at {@code offset}, shared, for reading and writing, populated at once.
     *
     * @return the address, or {@code -errno}
     */
    public static long mmapShared(int fd, long length, long offset) {
        final long address = LIBC.syscall(SYS_MMAP, 0L, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
            fd, offset);
        return address == MAP_FAILED ? -errno() : address;
    }

    /** Unmaps what {@link #mmapShared} mapped. */
    public static void munmap(long address, long length) {
        LIBC.syscall(SYS_MUNMAP, address, length, 0, 0, 0, 0);
    }

    /**
     * A raw system call of up to five arguments, for the calls on a worker's path (io_uring_enter(2)): through
     * jffi's six-parameter invoker, which allocates nothing. Through {@link #LIBC} the same call allocates 72 bytes
     * each time with seven parameters (jnr-ffi builds a heap buffer beyond six), and bound with six, the waits
     * failed with EINVAL as if the last argument (io_uring_enter's signal mask) arrived garbled, as glibc's mmap
     * lost its offset: {@code IoUringTest} checks both the allocation and the waits. syscall(2) takes a sixth argument from the stack here, whatever is there: the five-
     * argument calls must be ones the kernel reads no sixth argument for.
     */
    public static long syscall5(long number, long a1, long a2, long a3, long a4, long a5) {
        return Invoker.getInstance().invokeN6(SYSCALL_5, SYSCALL, number, a1, a2, a3, a4, a5);
    }

    /** errno of the last call made by this thread through {@link #LIBC} or {@link #syscall5}. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /** The C library's text for an error number, with its symbolic name when we know it: "EBUSY: Device or resource busy". */
    public static String describe(int errno) {
        final String name = errnoName(errno);
        final String text = LIBC.strerror(errno);
        return name == null ? "errno " + errno + ": " + text : name + ": " + text;
    }

    static String errnoName(int errno) {
        switch (errno) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case ESRCH: return "ESRCH";
            case EINTR: return "EINTR";
            case EIO: return "EIO";
            case EBADF: return "EBADF";
            case EAGAIN: return "EAGAIN";
            case ENOMEM: return "ENOMEM";
            case EACCES: return "EACCES";
            case EFAULT: return "EFAULT";
            case EBUSY: return "EBUSY";
            case EEXIST: return "EEXIST";
            case ENODEV: return "ENODEV";
            case EINVAL: return "EINVAL";
            case EBADFD: return "EBADFD";
            case ENETUNREACH: return "ENETUNREACH";
            case ENOBUFS: return "ENOBUFS";
            case ENOSYS: return "ENOSYS";
            case ECANCELED: return "ECANCELED";
            default: return null;
        }
    }
}
