package io.xlat.control.bgp.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;

/**
 * A path attribute of an UPDATE (RFC 4271 section 4.3): flags, type code, length and value. Each implementation
 * knows its RFC-mandated Optional/Transitive flags and writes its own value.
 */
public sealed interface PathAttribute {

    int FLAG_OPTIONAL = 0x80;
    int FLAG_TRANSITIVE = 0x40;
    int FLAG_PARTIAL = 0x20;
    int FLAG_EXTENDED_LENGTH = 0x10;

    /** Well-known attributes: RFC 4271 section 4.3 "the Optional bit ... MUST be 0 ... the Transitive bit MUST be 1". */
    int WELL_KNOWN = FLAG_TRANSITIVE;
    int OPTIONAL_TRANSITIVE = FLAG_OPTIONAL | FLAG_TRANSITIVE;
    int OPTIONAL_NON_TRANSITIVE = FLAG_OPTIONAL;

    int ORIGIN = 1;
    int AS_PATH = 2;
    int NEXT_HOP = 3;
    int MULTI_EXIT_DISC = 4;
    int LOCAL_PREF = 5;
    int ATOMIC_AGGREGATE = 6;
    int AGGREGATOR = 7;
    int COMMUNITIES = 8;
    int MP_REACH_NLRI = 14;
    int MP_UNREACH_NLRI = 15;
    int AS4_PATH = 17;
    int AS4_AGGREGATOR = 18;
    int LARGE_COMMUNITIES = 32;

    int typeCode();

    /** Optional, Transitive and Partial bits as sent; the Extended Length bit is the encoder's business. */
    int flags();

    int valueLength();

    void writeValue(ByteBuf out);

    /** Attribute header (3 or 4 octets) plus value. */
    default int encodedLength() {
        final int value = valueLength();
        return (value > 0xFF ? 4 : 3) + value;
    }

    /** RFC 4271 section 5.1.1 ORIGIN values. */
    enum Origin {
        IGP(0), EGP(1), INCOMPLETE(2);

        public final int code;

        Origin(int code) {
            this.code = code;
        }

        /** The ORIGIN for a wire value, or null when undefined (RFC 7606 section 7.1). */
        public static Origin of(int code) {
            switch (code) {
                case 0: return IGP;
                case 1: return EGP;
                case 2: return INCOMPLETE;
                default: return null;
            }
        }
    }

    record OriginAttribute(Origin origin) implements PathAttribute {
        @Override public int typeCode() { return ORIGIN; }
        @Override public int flags() { return WELL_KNOWN; }
        @Override public int valueLength() { return 1; }
        @Override public void writeValue(ByteBuf out) {
            out.writeByte(origin.code);
        }
    }

    /** RFC 4271 section 4.3 path segment types, and RFC 5065 confederation types. */
    int AS_SET = 1;
    int AS_SEQUENCE = 2;
    int AS_CONFED_SEQUENCE = 3;
    int AS_CONFED_SET = 4;

    /** One AS_PATH segment; at most 255 ASNs (the segment length is one octet). */
    record Segment(int type, List<Long> asns) {
        public Segment {
            if (type < AS_SET || type > AS_CONFED_SET) {
                throw new IllegalArgumentException("bad segment type " + type);
            }
            if (asns.isEmpty() || asns.size() > 255) {
                throw new IllegalArgumentException("segment must hold 1..255 ASNs, got " + asns.size());
            }
            asns = List.copyOf(asns);
            for (final long asn : asns) {
                Bgp.checkAsn(asn);
            }
        }

        static int length(List<Segment> segments, int asWidth) {
            int length = 0;
            for (final Segment s : segments) {
                length += 2 + asWidth * s.asns.size();
            }
            return length;
        }

        static void write(List<Segment> segments, ByteBuf out, boolean fourOctet) {
            for (final Segment s : segments) {
                out.writeByte(s.type);
                out.writeByte(s.asns.size());
                for (final long asn : s.asns) {
                    if (fourOctet) {
                        out.writeInt((int) asn);
                    } else {
                        // RFC 6793 section 4.2.2: an ASN that needs 4 octets is replaced by AS_TRANS in AS_PATH
                        out.writeShort(Bgp.isFourOctetOnly(asn) ? Bgp.AS_TRANS : (int) asn);
                    }
                }
            }
        }
    }

    /**
     * AS_PATH. {@code fourOctet} is whether the session negotiated RFC 6793 4-octet ASNs; without it the ASNs
     * are written in 2 octets (with AS_TRANS) and the true path goes in {@link As4PathAttribute}.
     */
    record AsPathAttribute(List<Segment> segments, boolean fourOctet) implements PathAttribute {
        public AsPathAttribute {
            segments = List.copyOf(segments);
        }
        @Override public int typeCode() { return AS_PATH; }
        @Override public int flags() { return WELL_KNOWN; }
        @Override public int valueLength() { return Segment.length(segments, fourOctet ? 4 : 2); }
        @Override public void writeValue(ByteBuf out) {
            Segment.write(segments, out, fourOctet);
        }
        public boolean needsAs4Path() {
            for (final Segment s : segments) {
                for (final long asn : s.asns()) {
                    if (Bgp.isFourOctetOnly(asn)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** RFC 6793 section 3: AS4_PATH, optional transitive, always 4-octet ASNs. */
    record As4PathAttribute(List<Segment> segments) implements PathAttribute {
        public As4PathAttribute {
            segments = List.copyOf(segments);
        }
        @Override public int typeCode() { return AS4_PATH; }
        @Override public int flags() { return OPTIONAL_TRANSITIVE; }
        @Override public int valueLength() { return Segment.length(segments, 4); }
        @Override public void writeValue(ByteBuf out) {
            Segment.write(segments, out, true);
        }
    }

    /** NEXT_HOP for plain IPv4 NLRI; the address is an int, first octet in the high byte. */
    record NextHopAttribute(int address) implements PathAttribute {
        @Override public int typeCode() { return NEXT_HOP; }
        @Override public int flags() { return WELL_KNOWN; }
        @Override public int valueLength() { return 4; }
        @Override public void writeValue(ByteBuf out) {
            out.writeInt(address);
        }
        @Override public String toString() {
            return "NextHopAttribute[" + io.xlat.core.addr.Ipv4Addresses.format(address) + "]";
        }
    }

    record MultiExitDiscAttribute(long med) implements PathAttribute {
        public MultiExitDiscAttribute {
            Bgp.checkAsn(med); // same unsigned 32-bit range
        }
        @Override public int typeCode() { return MULTI_EXIT_DISC; }
        @Override public int flags() { return OPTIONAL_NON_TRANSITIVE; }
        @Override public int valueLength() { return 4; }
        @Override public void writeValue(ByteBuf out) {
            out.writeInt((int) med);
        }
    }

    record LocalPrefAttribute(long localPref) implements PathAttribute {
        public LocalPrefAttribute {
            Bgp.checkAsn(localPref);
        }
        @Override public int typeCode() { return LOCAL_PREF; }
        @Override public int flags() { return WELL_KNOWN; }
        @Override public int valueLength() { return 4; }
        @Override public void writeValue(ByteBuf out) {
            out.writeInt((int) localPref);
        }
    }

    record AtomicAggregateAttribute() implements PathAttribute {
        @Override public int typeCode() { return ATOMIC_AGGREGATE; }
        @Override public int flags() { return WELL_KNOWN; }
        @Override public int valueLength() { return 0; }
        @Override public void writeValue(ByteBuf out) {
            // no value
        }
    }

    /** AGGREGATOR: the ASN is 2 or 4 octets depending on the session (RFC 6793 section 3). */
    record AggregatorAttribute(long asn, int address, boolean fourOctet) implements PathAttribute {
        @Override public int typeCode() { return AGGREGATOR; }
        @Override public int flags() { return OPTIONAL_TRANSITIVE; }
        @Override public int valueLength() { return fourOctet ? 8 : 6; }
        @Override public void writeValue(ByteBuf out) {
            if (fourOctet) {
                out.writeInt((int) asn);
            } else {
                out.writeShort(Bgp.isFourOctetOnly(asn) ? Bgp.AS_TRANS : (int) asn);
            }
            out.writeInt(address);
        }
    }

    record CommunitiesAttribute(List<Community> communities) implements PathAttribute {
        public CommunitiesAttribute {
            communities = List.copyOf(communities);
        }
        @Override public int typeCode() { return COMMUNITIES; }
        @Override public int flags() { return OPTIONAL_TRANSITIVE; }
        @Override public int valueLength() { return 4 * communities.size(); }
        @Override public void writeValue(ByteBuf out) {
            for (final Community c : communities) {
                out.writeInt(c.value());
            }
        }
    }

    record LargeCommunitiesAttribute(List<LargeCommunity> communities) implements PathAttribute {
        public LargeCommunitiesAttribute {
            communities = List.copyOf(communities);
        }
        @Override public int typeCode() { return LARGE_COMMUNITIES; }
        @Override public int flags() { return OPTIONAL_TRANSITIVE; }
        @Override public int valueLength() { return 12 * communities.size(); }
        @Override public void writeValue(ByteBuf out) {
            for (final LargeCommunity c : communities) {
                out.writeInt((int) c.globalAdministrator());
                out.writeInt((int) c.localData1());
                out.writeInt((int) c.localData2());
            }
        }
    }

    /**
     * RFC 4760 section 3: MP_REACH_NLRI for IPv4 or IPv6 unicast. The Reserved octet (formerly the SNPA count)
     * is written as 0.
     */
    record MpReachAttribute(int afi, int safi, NextHop nextHop, List<IpPrefix> nlri) implements PathAttribute {
        public MpReachAttribute {
            nlri = List.copyOf(nlri);
            for (final IpPrefix p : nlri) {
                if (p.afi() != afi) {
                    throw new IllegalArgumentException("prefix " + p + " does not belong to AFI " + afi);
                }
            }
        }
        @Override public int typeCode() { return MP_REACH_NLRI; }
        @Override public int flags() { return OPTIONAL_NON_TRANSITIVE; }
        @Override public int valueLength() {
            return 2 + 1 + 1 + nextHop.length() + 1 + UpdateMessage.prefixesLength(nlri);
        }
        @Override public void writeValue(ByteBuf out) {
            out.writeShort(afi);
            out.writeByte(safi);
            out.writeByte(nextHop.length());
            out.writeBytes(nextHop.bytesUnsafe());
            out.writeByte(0); // reserved
            for (final IpPrefix p : nlri) {
                p.write(out);
            }
        }
    }

    /** RFC 4760 section 4: MP_UNREACH_NLRI. With no prefixes it is the End-of-RIB marker (RFC 4724 section 2). */
    record MpUnreachAttribute(int afi, int safi, List<IpPrefix> withdrawn) implements PathAttribute {
        public MpUnreachAttribute {
            withdrawn = List.copyOf(withdrawn);
            for (final IpPrefix p : withdrawn) {
                if (p.afi() != afi) {
                    throw new IllegalArgumentException("prefix " + p + " does not belong to AFI " + afi);
                }
            }
        }
        @Override public int typeCode() { return MP_UNREACH_NLRI; }
        @Override public int flags() { return OPTIONAL_NON_TRANSITIVE; }
        @Override public int valueLength() { return 3 + UpdateMessage.prefixesLength(withdrawn); }
        @Override public void writeValue(ByteBuf out) {
            out.writeShort(afi);
            out.writeByte(safi);
            for (final IpPrefix p : withdrawn) {
                p.write(out);
            }
        }
    }

    /** Any attribute we do not interpret (including MP_REACH for other families), kept as raw octets. */
    final class UnknownAttribute implements PathAttribute {
        private final int flags;
        private final int typeCode;
        private final byte[] value;

        public UnknownAttribute(int flags, int typeCode, byte[] value) {
            this.flags = flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE | FLAG_PARTIAL);
            this.typeCode = typeCode;
            this.value = value.clone();
        }
        @Override public int typeCode() { return typeCode; }
        @Override public int flags() { return flags; }
        @Override public int valueLength() { return value.length; }
        @Override public void writeValue(ByteBuf out) {
            out.writeBytes(value);
        }
        @Override public boolean equals(Object o) {
            return o instanceof UnknownAttribute other && flags == other.flags && typeCode == other.typeCode
                && Arrays.equals(value, other.value);
        }
        @Override public int hashCode() {
            return (flags * 31 + typeCode) * 31 + Arrays.hashCode(value);
        }
        @Override public String toString() {
            return "UnknownAttribute[type=" + typeCode + ", flags=0x" + Integer.toHexString(flags) + ", "
                + value.length + "B]";
        }
    }
}
