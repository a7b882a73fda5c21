package io.xlat.control.bgp.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The Network Address of Next Hop of MP_REACH_NLRI (RFC 4760 section 3): 4 octets (IPv4), 16 (one IPv6 address)
 * or 32 (RFC 2545 section 3: a global IPv6 address followed by a link-local one). RFC 8950 uses the 16- and
 * 32-octet forms for IPv4 NLRI too.
 */
public final class NextHop {

    private final byte[] bytes;

    private NextHop(byte[] bytes) {
        this.bytes = bytes;
    }

    public static NextHop of(InetAddress global) {
        return new NextHop(global.getAddress());
    }

    /**
     * RFC 2545 section 3: "The value of the Length of Next Hop Network Address field on a MP_REACH_NLRI attribute
     * shall be set to 16, when only a global address is present, or 32 if a link-local address is also included".
     */
    public static NextHop of(Inet6Address global, Inet6Address linkLocal) {
        if (linkLocal == null) {
            return of(global);
        }
        if (!linkLocal.isLinkLocalAddress()) {
            throw new IllegalArgumentException("not a link-local address: " + linkLocal.getHostAddress());
        }
        final byte[] both = new byte[32];
        System.arraycopy(global.getAddress(), 0, both, 0, 16);
        System.arraycopy(linkLocal.getAddress(), 0, both, 16, 16);
        return new NextHop(both);
    }

    static NextHop wrap(byte[] bytes) {
        return new NextHop(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public boolean isIpv6() {
        return bytes.length == 16 || bytes.length == 32;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] bytesUnsafe() {
        return bytes;
    }

    /** The first (global) address; null when the length is not 4, 16 or 32. */
    public InetAddress global() {
        return address(0, bytes.length == 4 ? 4 : 16);
    }

    /** The RFC 2545 link-local address of a 32-octet next hop, else null. */
    public InetAddress linkLocal() {
        return bytes.length == 32 ? address(16, 16) : null;
    }

    private InetAddress address(int offset, int length) {
        if (bytes.length != 4 && bytes.length != 16 && bytes.length != 32) {
            return null;
        }
        try {
            final byte[] raw = Arrays.copyOfRange(bytes, offset, offset + length);
            // getByAddress would turn ::ffff:a.b.c.d into an Inet4Address; keep IPv6 as IPv6
            return length == 4 ? (Inet4Address) InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NextHop other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        final InetAddress global = global();
        if (global == null) {
            return "next-hop(" + bytes.length + "B)";
        }
        final InetAddress linkLocal = linkLocal();
        return global.getHostAddress() + (linkLocal == null ? "" : " " + linkLocal.getHostAddress());
    }
}
