package io.xlat.tunio.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

import static io.xlat.tunio.tun.LinuxNative.AF_INET;
import static io.xlat.tunio.tun.LinuxNative.EACCES;
import static io.xlat.tunio.tun.LinuxNative.EBUSY;
import static io.xlat.tunio.tun.LinuxNative.EINVAL;
import static io.xlat.tunio.tun.LinuxNative.ENODEV;
import static io.xlat.tunio.tun.LinuxNative.ENOENT;
import static io.xlat.tunio.tun.LinuxNative.EPERM;
import static io.xlat.tunio.tun.LinuxNative.IFF_MULTI_QUEUE;
import static io.xlat.tunio.tun.LinuxNative.IFF_NO_PI;
import static io.xlat.tunio.tun.LinuxNative.IFF_TUN;
import static io.xlat.tunio.tun.LinuxNative.IFF_UP;
import static io.xlat.tunio.tun.LinuxNative.IFNAMSIZ;
import static io.xlat.tunio.tun.LinuxNative.IFREQ_FLAGS_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.IFREQ_LENGTH;
import static io.xlat.tunio.tun.LinuxNative.IFREQ_MTU_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.IFREQ_NAME_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static io.xlat.tunio.tun.LinuxNative.O_CLOEXEC;
import static io.xlat.tunio.tun.LinuxNative.O_NONBLOCK;
import static io.xlat.tunio.tun.LinuxNative.O_RDWR;
import static io.xlat.tunio.tun.LinuxNative.SIOCGIFFLAGS;
import static io.xlat.tunio.tun.LinuxNative.SIOCGIFMTU;
import static io.xlat.tunio.tun.LinuxNative.SIOCSIFFLAGS;
import static io.xlat.tunio.tun.LinuxNative.SIOCSIFMTU;
import static io.xlat.tunio.tun.LinuxNative.SOCK_CLOEXEC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_DGRAM;
import static java.nio.ByteOrder.nativeOrder;

/**
 * A Linux TUN device ({@code IFF_TUN | IFF_NO_PI}) with one or more queues. {@link #open} creates the device, or
 * attaches to an existing one (a persistent device made by {@code ip tuntap add}); MTU and link state are set
 * with ioctls on an {@code AF_INET} datagram socket, without running {@code ip}. Not thread-safe: it is opened and
 * closed by the thread that starts and stops the data plane.
 */
public final class TunDevice implements AutoCloseable {

    private static final String CLONE_DEVICE = "/dev/net/tun";

    private final String name;
    private final String netns;
    private final boolean existed;
    private final boolean multiQueue;
    private final FdQueue[] queues;
    /** With io_uring: each worker's ring, on queue {@code worker % queueCount()}; else null. */
    private UringQueue[] rings;

    private TunDevice(String name, String netns, boolean existed, boolean multiQueue, FdQueue[] queues) {
        this.name = name;
        this.netns = netns;
        this.existed = existed;
        this.multiQueue = multiQueue;
        this.queues = queues;
    }

    /**
     * Creates or attaches to TUN device {@code name} with up to {@code queues} queues. More than one queue needs a
     * multi-queue device; an existing single-queue device (the kernel answers EINVAL to the multi-queue flag)
     * is attached with one queue instead: see {@link #queueCount()}. A device this call creates is multi-queue
     * when {@code queues > 1}.
     */
    public static TunDevice open(String name, int queues) throws NativeException {
        return open(name, queues, null);
    }

    /**
     * As {@link #open(String, int)}, but the device lives in network namespace {@code netns} (null: this thread's
     * own). The calling thread enters the namespace for the open and returns; the descriptors stay bound to the
     * device in there, and the MTU and link calls of this object enter it again.
     */
    public static TunDevice open(String name, int queues, String netns) throws NativeException {
        return open(name, queues, netns, false);
    }

    /**
     * As {@link #open(String, int, String)}; with {@code offloads}, every queue is attached with
     * {@code IFF_VNET_HDR} and the device told that xlat takes TCP super-packets and unfinished checksums
     * ({@code TUNSETOFFLOAD}: TUN_F_CSUM, TSO4, TSO6, TSO_ECN), so that the kernel hands over up to 64 KiB of a TCP
     * flow per read instead of one packet, and cuts what xlat writes back into segments itself.
     */
    public static TunDevice open(String name, int queues, String netns, boolean offloads) throws NativeException {
        checkName(name);
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            return openHere(name, queues, netns, offloads);
        } finally {
            inside.close();
        }
    }

    private static TunDevice openHere(String name, int queues, String netns, boolean offloads)
        throws NativeException {
        if (queues < 1) {
            throw new IllegalArgumentException("queues must be at least 1, got " + queues);
        }
        final boolean existed = LIBC.if_nametoindex(name) != 0;
        boolean multiQueue = queues > 1;
        boolean flipped = false;
        int wanted = queues;
        FdQueue[] opened = new FdQueue[wanted];
        int count = 0;
        try {
            while (count < wanted) {
                try {
                    opened[count] = attach(name, multiQueue, offloads);
                    count++;
                } catch (NativeException e) {
                    if (count > 0 || !existed || flipped || e.errno() != EINVAL) {
                        throw e;
                    }
                    // an existing device must be attached with its own multi_queue setting (EINVAL otherwise):
                    // a single-queue device gives one queue, a multi-queue device takes the flag even for one
                    flipped = true;
                    multiQueue = !multiQueue;
                    if (!multiQueue) {
                        wanted = 1;
                        opened = new FdQueue[1];
                    }
                }
            }
            return new TunDevice(name, netns, existed, multiQueue, opened);
        } catch (NativeException | RuntimeException e) {
            for (int i = 0; i < count; i++) {
                opened[i].close();
            }
            throw e;
        }
    }

    private static FdQueue attach(String name, boolean multiQueue, boolean offloads) throws NativeException {
        // O_NONBLOCK: see FdQueue on why the data path polls rather than blocks
        final int fd = LIBC.open(CLONE_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            final int errno = LinuxNative.errno();
            throw new NativeException(CLONE_DEVICE + ": cannot open (" + LinuxNative.describe(errno) + ")"
                + (errno == ENOENT || errno == ENODEV ? "; is the tun module loaded (modprobe tun)?"
                : errno == EACCES || errno == EPERM ? "; xlat needs root or CAP_NET_ADMIN" : ""), errno);
        }
        final UnsafeBuffer ifreq = ifreq(name);
        ifreq.putShort(IFREQ_FLAGS_OFFSET, (short) (IFF_TUN | IFF_NO_PI | (multiQueue ? IFF_MULTI_QUEUE : 0)
            | (offloads ? LinuxNative.IFF_VNET_HDR : 0)), nativeOrder());
        if (LIBC.ioctl(fd, LinuxNative.TUNSETIFF, ifreq.addressOffset()) < 0) {
            final int errno = LinuxNative.errno();
            LIBC.close(fd);
            throw new NativeException(name + ": cannot attach to the TUN device (" + LinuxNative.describe(errno)
                + ")" + attachHint(name, errno), errno);
        }
        if (!offloads) {
            // a persistent device keeps the offloads an earlier run turned on: without a header to say so, a
            // 64 KiB super-packet with an unfinished checksum would read as one huge packet. Best effort: a
            // kernel without TUNSETOFFLOAD has no offloads to turn off either.
            LIBC.ioctl(fd, LinuxNative.TUNSETOFFLOAD, 0);
            return new FdQueue(fd, name, false, false);
        }
        // the header's size and order are the device's too, and an earlier user (qemu, vhost) may have set them
        // otherwise; xlat reads struct virtio_net_hdr, 10 bytes, little-endian
        final UnsafeBuffer value = new UnsafeBuffer(BufferUtil.allocateDirectAligned(8, 8));
        value.putInt(0, VirtioNetHeader.LENGTH, nativeOrder());
        if (LIBC.ioctl(fd, LinuxNative.TUNSETVNETHDRSZ, value.addressOffset()) < 0) {
            throw offloadsRefused(fd, name, "TUNSETVNETHDRSZ");
        }
        value.putInt(0, 1, nativeOrder());
        // on a little-endian host the legacy header is little-endian already: a kernel without TUNSETVNETLE is fine
        LIBC.ioctl(fd, LinuxNative.TUNSETVNETLE, value.addressOffset());
        final int tcp = LinuxNative.TUN_F_CSUM | LinuxNative.TUN_F_TSO4 | LinuxNative.TUN_F_TSO6
            | LinuxNative.TUN_F_TSO_ECN;
        // the probe for UDP super-packets on write: the kernel that knows TUN_F_USO4/6 (6.2) is the one whose
        // virtio_net_hdr_to_skb takes VIRTIO_NET_HDR_GSO_UDP_L4; an older one refuses the flags (EINVAL)
        final boolean uso = LIBC.ioctl(fd, LinuxNative.TUNSETOFFLOAD, tcp | LinuxNative.TUN_F_USO4
            | LinuxNative.TUN_F_USO6) == 0;
        // then TCP alone again: with USO the kernel would also hand xlat UDP super-packets, which the translator
        // does not take (it translates TCP super-packets only); what xlat writes needs no flag (measured on 6.18)
        if (LIBC.ioctl(fd, LinuxNative.TUNSETOFFLOAD, tcp) < 0) {
            throw offloadsRefused(fd, name, "TUNSETOFFLOAD");
        }
        return new FdQueue(fd, name, true, uso);
    }

    /** Closes {@code fd} and says which ioctl refused offloads, with the errno it left. */
    private static NativeException offloadsRefused(int fd, String name, String ioctl) {
        final int errno = LinuxNative.errno();
        LIBC.close(fd);
        return new NativeException(name + ": cannot turn on offloads (" + ioctl + ": " + LinuxNative.describe(errno)
            + "); run without dataplane.offload", errno);
    }

    private static String attachHint(String name, int errno) {
        switch (errno) {
            case EPERM:
            case EACCES:
                return "; creating or attaching to a TUN device needs root or CAP_NET_ADMIN (or a persistent device"
                    + " owned by this user)";
            case EBUSY:
                return "; another process is attached to the single-queue device " + name;
            case EINVAL:
                return "; " + name + " exists but is not a TUN device xlat can use: it must be 'mode tun' (not tap)"
                    + " with 'pi off' (ip -d link show " + name + ")";
            default:
                return "";
        }
    }

    /** The device's name. */
    public String name() {
        return name;
    }

    /** Whether the device was there before {@link #open} (persistent); otherwise it goes away on {@link #close()}. */
    public boolean existed() {
        return existed;
    }

    public boolean multiQueue() {
        return multiQueue;
    }

    public int queueCount() {
        return queues.length;
    }

    public FdQueue queue(int index) {
        return queues[index];
    }

    /**
     * Moves the workers' I/O on this device to io_uring: each worker gets a ring of its own on the queue it reads
     * and writes, queue {@code worker % queueCount()} (rings are single-threaded; on a single-queue device one
     * worker reads it and the others only write to it, each through its own ring). On failure no ring stays.
     *
     * @param workers the number of workers
     * @param depth   reads each ring keeps posted, and its write slots (see {@link UringQueue})
     */
    public void useIoUring(int workers, int depth) throws NativeException {
        final UringQueue[] made = new UringQueue[workers];
        try {
            for (int w = 0; w < workers; w++) {
                made[w] = new UringQueue(queues[w % queues.length], depth);
            }
        } catch (NativeException | RuntimeException e) {
            for (final UringQueue ring : made) {
                if (ring != null) {
                    ring.close();
                }
            }
            throw e;
        }
        rings = made;
    }

    /** Whether {@link #useIoUring} moved this device's I/O to io_uring. */
    public boolean ioUring() {
        return rings != null;
    }

    /**
     * What worker {@code worker} reads or writes queue {@code index} through: the queue itself, or with
     * {@link #useIoUring} that worker's ring on it (the index a worker asks for is {@code worker % queueCount()}).
     */
    public PacketQueue queue(int index, int worker) {
        if (rings == null) {
            return queues[index];
        }
        if (index != worker % queues.length) {
            throw new IllegalArgumentException("worker " + worker + " has its ring on queue "
                + worker % queues.length + ", not " + index);
        }
        return rings[worker];
    }

    /**
     * The offloads its queues run with, for the start log: {@code off}, or the TUNSETOFFLOAD flags xlat keeps,
     * and whether the kernel takes UDP super-packets written to it (it accepted TUN_F_USO4 and TUN_F_USO6).
     */
    public String offloads() {
        final FdQueue q = queues[0];
        if (!q.offloads()) {
            return "off";
        }
        return "csum tso4 tso6 tso-ecn" + (q.udpSegmentation() ? ", uso4 uso6 on write"
            : ", no uso (the kernel refused TUN_F_USO4/6: UDP is written one datagram at a time)");
    }

    /** Whether the kernel takes UDP super-packets written to this device's queues. */
    public boolean udpSegmentation() {
        return queues[0].udpSegmentation();
    }

    /** The network namespace the device lives in, or null for the opening thread's own. */
    public String netns() {
        return netns;
    }

    /** The MTU the kernel has for the device now. */
    public int mtu() throws NativeException {
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            return mtu(name);
        } finally {
            inside.close();
        }
    }

    /** Sets the MTU (a no-op when it already has it, so that an unprivileged attach to a prepared device works). */
    public void mtu(int mtu) throws NativeException {
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            if (mtu(name) == mtu) {
                return;
            }
            final UnsafeBuffer ifreq = ifreq(name);
            ifreq.putInt(IFREQ_MTU_OFFSET, mtu, nativeOrder());
            interfaceIoctl(name, SIOCSIFMTU, ifreq, "set the MTU to " + mtu);
        } finally {
            inside.close();
        }
    }

    /** Whether the link is administratively up. */
    public boolean isUp() throws NativeException {
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            return (flags(name) & IFF_UP) != 0;
        } finally {
            inside.close();
        }
    }

    /** Brings the link up unless it is. */
    public void up() throws NativeException {
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            final int flags = flags(name);
            if ((flags & IFF_UP) != 0) {
                return;
            }
            final UnsafeBuffer ifreq = ifreq(name);
            ifreq.putShort(IFREQ_FLAGS_OFFSET, (short) (flags | IFF_UP), nativeOrder());
            interfaceIoctl(name, SIOCSIFFLAGS, ifreq, "bring the link up");
        } finally {
            inside.close();
        }
    }

    /**
     * Closes every queue. Call it only after the threads that read and write them stopped. A device that
     * {@link #existed()} stays; one this process created disappears with its last queue.
     */
    @Override
    public void close() {
        if (rings != null) {
            // the rings first: closing one cancels its reads, which must not outlive the descriptor they read
            for (final UringQueue ring : rings) {
                ring.close();
            }
        }
        for (final FdQueue q : queues) {
            q.close();
        }
    }

    static int mtu(String name) throws NativeException {
        final UnsafeBuffer ifreq = ifreq(name);
        interfaceIoctl(name, SIOCGIFMTU, ifreq, "read the MTU");
        return ifreq.getInt(IFREQ_MTU_OFFSET, nativeOrder());
    }

    static int flags(String name) throws NativeException {
        final UnsafeBuffer ifreq = ifreq(name);
        interfaceIoctl(name, SIOCGIFFLAGS, ifreq, "read the link flags");
        return ifreq.getShort(IFREQ_FLAGS_OFFSET, nativeOrder()) & 0xFFFF;
    }

    private static void interfaceIoctl(String name, long request, UnsafeBuffer ifreq, String what)
        throws NativeException {
        // interface ioctls go through any socket of the network namespace; AF_INET is always there
        final int socket = LIBC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (socket < 0) {
            final int errno = LinuxNative.errno();
            throw new NativeException(name + ": cannot " + what + ": socket(AF_INET) failed ("
                + LinuxNative.describe(errno) + ")", errno);
        }
        try {
            if (LIBC.ioctl(socket, request, ifreq.addressOffset()) < 0) {
                final int errno = LinuxNative.errno();
                throw new NativeException(name + ": cannot " + what + " (" + LinuxNative.describe(errno) + ")"
                    + (errno == EPERM || errno == EACCES ? "; this needs root or CAP_NET_ADMIN" : ""), errno);
            }
        } finally {
            LIBC.close(socket);
        }
    }

    private static UnsafeBuffer ifreq(String name) {
        final UnsafeBuffer ifreq = new UnsafeBuffer(BufferUtil.allocateDirectAligned(IFREQ_LENGTH, 8));
        ifreq.setMemory(0, IFREQ_LENGTH, (byte) 0);
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        ifreq.putBytes(IFREQ_NAME_OFFSET, bytes); // NUL-terminated by the zeroed rest (the name is < IFNAMSIZ)
        return ifreq;
    }

    /** Linux interface names: 1 to 15 bytes, no '/', ':', whitespace or NUL, not "." or "..". */
    public static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ) {
            throw new IllegalArgumentException("device name must be 1 to " + (IFNAMSIZ - 1) + " characters, got '"
                + name + "'");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is not a valid device name");
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '/' || c == ':') {
                throw new IllegalArgumentException("device name '" + name + "' has a character Linux does not"
                    + " allow (whitespace, '/', ':' or non-ASCII)");
            }
        }
    }
}
