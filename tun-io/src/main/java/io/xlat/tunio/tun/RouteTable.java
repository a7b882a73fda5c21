package io.xlat.tunio.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicInteger;

import static io.xlat.tunio.tun.LinuxNative.AF_INET;
import static io.xlat.tunio.tun.LinuxNative.AF_INET6;
import static io.xlat.tunio.tun.LinuxNative.AF_NETLINK;
import static io.xlat.tunio.tun.LinuxNative.EACCES;
import static io.xlat.tunio.tun.LinuxNative.ENODEV;
import static io.xlat.tunio.tun.LinuxNative.EPERM;
import static io.xlat.tunio.tun.LinuxNative.ESRCH;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static io.xlat.tunio.tun.LinuxNative.NETLINK_ROUTE;
import static io.xlat.tunio.tun.LinuxNative.NLMSGERR_ERROR_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.NLMSGHDR_LENGTH;
import static io.xlat.tunio.tun.LinuxNative.NLMSG_ERROR;
import static io.xlat.tunio.tun.LinuxNative.NLMSG_FLAGS_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.NLMSG_LEN_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.NLMSG_PID_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.NLMSG_SEQ_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.NLMSG_TYPE_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.NLM_F_ACK;
import static io.xlat.tunio.tun.LinuxNative.NLM_F_CREATE;
import static io.xlat.tunio.tun.LinuxNative.NLM_F_REPLACE;
import static io.xlat.tunio.tun.LinuxNative.NLM_F_REQUEST;
import static io.xlat.tunio.tun.LinuxNative.RTA_DST;
import static io.xlat.tunio.tun.LinuxNative.RTA_HEADER_LENGTH;
import static io.xlat.tunio.tun.LinuxNative.RTA_OIF;
import static io.xlat.tunio.tun.LinuxNative.RTA_PRIORITY;
import static io.xlat.tunio.tun.LinuxNative.RTMSG_LENGTH;
import static io.xlat.tunio.tun.LinuxNative.RTM_DELROUTE;
import static io.xlat.tunio.tun.LinuxNative.RTM_DST_LEN_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.RTM_FAMILY_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.RTM_NEWROUTE;
import static io.xlat.tunio.tun.LinuxNative.RTM_PROTOCOL_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.RTM_SCOPE_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.RTM_TABLE_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.RTM_TYPE_OFFSET;
import static io.xlat.tunio.tun.LinuxNative.RTN_UNICAST;
import static io.xlat.tunio.tun.LinuxNative.RTPROT_STATIC;
import static io.xlat.tunio.tun.LinuxNative.RT_SCOPE_LINK;
import static io.xlat.tunio.tun.LinuxNative.RT_SCOPE_NOWHERE;
import static io.xlat.tunio.tun.LinuxNative.RT_TABLE_MAIN;
import static io.xlat.tunio.tun.LinuxNative.SOCK_CLOEXEC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_RAW;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.nativeOrder;

/**
 * Device routes in the kernel's main table through an rtnetlink socket ({@code RTM_NEWROUTE}, {@code RTM_DELROUTE}),
 * the equivalent of {@code ip route replace PREFIX dev DEVICE metric 464 proto static}, without running {@code ip}.
 * A socket is opened per call, inside the given network namespace (a netlink socket acts on the namespace it was
 * created in). Used at start, reload and stop, never on the data path.
 *
 * <p>Every route carries {@link #METRIC}: a replace only ever replaces xlat's own route to that prefix, and a route
 * the operator made to the same prefix with another metric is left alone (and wins when its metric is lower).
 */
public final class RouteTable {

    /** The metric of every route xlat installs (464, after 464XLAT): it tells them apart from the operator's. */
    public static final int METRIC = 464;

    static final int BUFFER_LENGTH = 4096;
    private static final AtomicInteger SEQUENCE = new AtomicInteger(1);

    private RouteTable() {
    }

    /** Routes IPv4 {@code address/length} into {@code device} (in {@code netns}, null: this thread's own). */
    public static void add4(String netns, String device, int address, int length) throws NativeException {
        change(netns, device, false, address & 0xFFFF_FFFFL, 0, length, true);
    }

    /** Routes IPv6 {@code hi:lo/length} into {@code device} (in {@code netns}, null: this thread's own). */
    public static void add6(String netns, String device, long hi, long lo, int length) throws NativeException {
        change(netns, device, true, hi, lo, length, true);
    }

    /** Removes the route {@link #add4} made; false when it was not there (or its device is gone, and it with it). */
    public static boolean remove4(String netns, String device, int address, int length) throws NativeException {
        return change(netns, device, false, address & 0xFFFF_FFFFL, 0, length, false);
    }

    /** Removes the route {@link #add6} made; false when it was not there (or its device is gone, and it with it). */
    public static boolean remove6(String netns, String device, long hi, long lo, int length) throws NativeException {
        return change(netns, device, true, hi, lo, length, false);
    }

    private static boolean change(String netns, String device, boolean ipv6, long hi, long lo, int length, boolean add)
        throws NativeException {
        final String what = (add ? "add" : "remove") + " the route " + (ipv6 ? "IPv6" : "IPv4") + " /" + length
            + " dev " + device + (netns == null ? "" : " in netns " + netns);
        final NetworkNamespace inside = NetworkNamespace.enter(netns);
        try {
            final int ifindex = LIBC.if_nametoindex(device);
            if (ifindex == 0) {
                if (!add) {
                    return false; // the kernel removed the device's routes with the device
                }
                throw new NativeException("cannot " + what + ": no device " + device, ENODEV);
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_LENGTH, 8));
            final int seq = SEQUENCE.getAndIncrement();
            final int messageLength = encode(buffer, add, seq, ifindex, ipv6, hi, lo, length);
            final int error = exchange(buffer, messageLength, seq, what);
            if (error == 0) {
                return true;
            }
            if (!add && error == ESRCH) {
                return false;
            }
            throw new NativeException("cannot " + what + " (" + LinuxNative.describe(error) + ")"
                + (error == EPERM || error == EACCES ? "; this needs root or CAP_NET_ADMIN" : ""), error);
        } finally {
            inside.close();
        }
    }

    /**
     * Writes one request into {@code b} at 0 and returns its length: nlmsghdr, rtmsg, then RTA_DST, RTA_OIF and
     * RTA_PRIORITY (headers in host byte order, the address in network order). {@code ipv4} addresses sit in the
     * low 32 bits of {@code hi}.
     */
    static int encode(UnsafeBuffer b, boolean add, int seq, int ifindex, boolean ipv6, long hi, long lo,
        int length) {
        final int addressLength = ipv6 ? 16 : 4;
        final int dstLength = RTA_HEADER_LENGTH + addressLength;
        final int total = NLMSGHDR_LENGTH + RTMSG_LENGTH + dstLength + 2 * (RTA_HEADER_LENGTH + 4);
        b.setMemory(0, total, (byte) 0);
        b.putInt(NLMSG_LEN_OFFSET, total, nativeOrder());
        b.putShort(NLMSG_TYPE_OFFSET, (short) (add ? RTM_NEWROUTE : RTM_DELROUTE), nativeOrder());
        // replace, not exclusive: a restart after a crash finds its own routes still there
        b.putShort(NLMSG_FLAGS_OFFSET, (short) (NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0)),
            nativeOrder());
        b.putInt(NLMSG_SEQ_OFFSET, seq, nativeOrder());
        b.putInt(NLMSG_PID_OFFSET, 0, nativeOrder()); // 0: the kernel fills in our port id
        final int r = NLMSGHDR_LENGTH;
        b.putByte(r + RTM_FAMILY_OFFSET, (byte) (ipv6 ? AF_INET6 : AF_INET));
        b.putByte(r + RTM_DST_LEN_OFFSET, (byte) length);
        // src_len, tos: 0
        b.putByte(r + RTM_TABLE_OFFSET, (byte) RT_TABLE_MAIN);
        b.putByte(r + RTM_PROTOCOL_OFFSET, (byte) RTPROT_STATIC);
        // a route without gateway reaches its destinations on the link, as iproute2 sets it; any scope on delete
        b.putByte(r + RTM_SCOPE_OFFSET, (byte) (add ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE));
        b.putByte(r + RTM_TYPE_OFFSET, (byte) RTN_UNICAST);
        // rtm_flags: 0
        int a = r + RTMSG_LENGTH;
        b.putShort(a, (short) dstLength, nativeOrder());
        b.putShort(a + 2, (short) RTA_DST, nativeOrder());
        if (ipv6) {
            b.putLong(a + RTA_HEADER_LENGTH, hi, BIG_ENDIAN);
            b.putLong(a + RTA_HEADER_LENGTH + 8, lo, BIG_ENDIAN);
        } else {
            b.putInt(a + RTA_HEADER_LENGTH, (int) hi, BIG_ENDIAN);
        }
        a += dstLength;
        b.putShort(a, (short) (RTA_HEADER_LENGTH + 4), nativeOrder());
        b.putShort(a + 2, (short) RTA_OIF, nativeOrder());
        b.putInt(a + RTA_HEADER_LENGTH, ifindex, nativeOrder());
        a += RTA_HEADER_LENGTH + 4;
        b.putShort(a, (short) (RTA_HEADER_LENGTH + 4), nativeOrder());
        b.putShort(a + 2, (short) RTA_PRIORITY, nativeOrder());
        b.putInt(a + RTA_HEADER_LENGTH, METRIC, nativeOrder());
        return total;
    }

    /** Sends the request and returns the errno of the kernel's acknowledgement (0: done). */
    private static int exchange(UnsafeBuffer buffer, int length, int seq, String what) throws NativeException {
        final int fd = LIBC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            final int errno = LinuxNative.errno();
            throw new NativeException("cannot " + what + ": socket(AF_NETLINK) failed (" + LinuxNative.describe(errno)
                + ")", errno);
        }
        try {
            // an unconnected netlink socket sends to the kernel (port 0) and is bound implicitly on first send
            final long written = LIBC.write(fd, buffer.addressOffset(), length);
            if (written != length) {
                final int errno = written < 0 ? LinuxNative.errno() : LinuxNative.EIO;
                throw new NativeException("cannot " + what + ": netlink send failed (" + LinuxNative.describe(errno)
                    + ")", errno);
            }
            while (true) {
                final long read = LIBC.read(fd, buffer.addressOffset(), BUFFER_LENGTH);
                if (read < NLMSGHDR_LENGTH) {
                    final int errno = read < 0 ? LinuxNative.errno() : LinuxNative.EIO;
                    throw new NativeException("cannot " + what + ": no netlink answer (" + LinuxNative.describe(errno)
                        + ")", errno);
                }
                final int error = acknowledgement(buffer, (int) read, seq);
                if (error >= 0) {
                    return error;
                }
            }
        } finally {
            LIBC.close(fd);
        }
    }

    /**
     * The errno in the acknowledgement of request {@code seq} among the messages read (0: success), or -1 when
     * they hold none (another message; read on).
     */
    static int acknowledgement(UnsafeBuffer b, int length, int seq) {
        int at = 0;
        while (at + NLMSGHDR_LENGTH <= length) {
            final int messageLength = b.getInt(at + NLMSG_LEN_OFFSET, nativeOrder());
            if (messageLength < NLMSGHDR_LENGTH || at + messageLength > length) {
                return -1;
            }
            if ((b.getShort(at + NLMSG_TYPE_OFFSET, nativeOrder()) & 0xFFFF) == NLMSG_ERROR
                && b.getInt(at + NLMSG_SEQ_OFFSET, nativeOrder()) == seq
                && messageLength >= NLMSGERR_ERROR_OFFSET + 4) {
                return -b.getInt(at + NLMSGERR_ERROR_OFFSET, nativeOrder());
            }
            at += (messageLength + 3) & ~3;
        }
        return -1;
    }
}
