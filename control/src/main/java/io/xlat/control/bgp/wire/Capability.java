package io.xlat.control.bgp.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;

/**
 * A capability of the RFC 5492 Capabilities Optional Parameter: code, length and value. Each implementation
 * writes its own value; {@link MessageReader} parses them.
 */
public sealed interface Capability {

    int MULTIPROTOCOL = 1;
    int ROUTE_REFRESH = 2;
    int EXTENDED_NEXT_HOP = 5;
    int GRACEFUL_RESTART = 64;
    int FOUR_OCTET_AS = 65;

    int code();

    int valueLength();

    void writeValue(ByteBuf out);

    /** RFC 4760 section 8: AFI (2 octets), reserved (1), SAFI (1). */
    record Multiprotocol(int afi, int safi) implements Capability {
        @Override public int code() { return MULTIPROTOCOL; }
        @Override public int valueLength() { return 4; }
        @Override public void writeValue(ByteBuf out) {
            out.writeShort(afi);
            out.writeByte(0); // reserved
            out.writeByte(safi);
        }
    }

    /** RFC 2918 section 2: code 2, length 0. */
    record RouteRefresh() implements Capability {
        @Override public int code() { return ROUTE_REFRESH; }
        @Override public int valueLength() { return 0; }
        @Override public void writeValue(ByteBuf out) {
            // no value
        }
    }

    /** RFC 6793 section 3: the speaker's 4-octet AS number. */
    record FourOctetAs(long asn) implements Capability {
        public FourOctetAs {
            Bgp.checkAsn(asn);
        }
        @Override public int code() { return FOUR_OCTET_AS; }
        @Override public int valueLength() { return 4; }
        @Override public void writeValue(ByteBuf out) {
            out.writeInt((int) asn);
        }
    }

    /**
     * RFC 8950 section 3: triples of NLRI AFI (2 octets), NLRI SAFI (2 octets) and Nexthop AFI (2 octets).
     * We send one: IPv4 unicast NLRI with IPv6 next hops.
     */
    record ExtendedNextHop(List<Entry> entries) implements Capability {
        public ExtendedNextHop {
            entries = List.copyOf(entries);
        }
        public record Entry(int nlriAfi, int nlriSafi, int nextHopAfi) {
        }
        @Override public int code() { return EXTENDED_NEXT_HOP; }
        @Override public int valueLength() { return 6 * entries.size(); }
        @Override public void writeValue(ByteBuf out) {
            for (final Entry e : entries) {
                out.writeShort(e.nlriAfi);
                out.writeShort(e.nlriSafi);
                out.writeShort(e.nextHopAfi);
            }
        }
        public boolean supports(int nlriAfi, int nlriSafi, int nextHopAfi) {
            return entries.contains(new Entry(nlriAfi, nlriSafi, nextHopAfi));
        }
    }

    /**
     * RFC 4724 section 3: Restart Flags (4 bits: R = restarting, N = RFC 8538 notification support), Restart
     * Time (12 bits, seconds), then per family AFI (2), SAFI (1) and flags (1, F = forwarding state preserved).
     */
    record GracefulRestart(boolean restarting, boolean notification, int restartTime, List<Family> families)
        implements Capability {
        public GracefulRestart {
            if (restartTime < 0 || restartTime > 0xFFF) {
                throw new IllegalArgumentException("restart time must be 0..4095 s, got " + restartTime);
            }
            families = List.copyOf(families);
        }
        public record Family(int afi, int safi, boolean forwardingPreserved) {
        }
        @Override public int code() { return GRACEFUL_RESTART; }
        @Override public int valueLength() { return 2 + 4 * families.size(); }
        @Override public void writeValue(ByteBuf out) {
            out.writeShort((restarting ? 0x8000 : 0) | (notification ? 0x4000 : 0) | restartTime);
            for (final Family f : families) {
                out.writeShort(f.afi);
                out.writeByte(f.safi);
                out.writeByte(f.forwardingPreserved ? 0x80 : 0);
            }
        }
    }

    /** RFC 5492 section 3: "it MUST ignore that capability" -- kept only so that it can be logged. */
    final class Unknown implements Capability {
        private final int code;
        private final byte[] value;

        public Unknown(int code, byte[] value) {
            this.code = code;
            this.value = value.clone();
        }
        @Override public int code() { return code; }
        @Override public int valueLength() { return value.length; }
        @Override public void writeValue(ByteBuf out) {
            out.writeBytes(value);
        }
        @Override public boolean equals(Object o) {
            return o instanceof Unknown other && code == other.code && Arrays.equals(value, other.value);
        }
        @Override public int hashCode() {
            return code * 31 + Arrays.hashCode(value);
        }
        @Override public String toString() {
            return "Capability(" + code + ", " + value.length + "B)";
        }
    }
}
