package io.xlat.control.bgp.wire;

import java.util.List;

/**
 * RFC 4271 section 4.2: OPEN. All capabilities travel in one Capabilities Optional Parameter (RFC 5492 section 4).
 *
 * @param version       4
 * @param myAs          the 2-octet My Autonomous System field: AS_TRANS when the real ASN needs 4 octets
 * @param holdTime      seconds; 0 or at least 3
 * @param bgpIdentifier the router id, an IPv4-address-shaped 32-bit value (RFC 6286)
 * @param capabilities  in the order sent or received
 */
public record OpenMessage(int version, int myAs, int holdTime, int bgpIdentifier, List<Capability> capabilities)
    implements BgpMessage {

    public OpenMessage {
        if (myAs < 0 || myAs > 0xFFFF || holdTime < 0 || holdTime > Bgp.MAX_HOLD_TIME) {
            throw new IllegalArgumentException("My AS or hold time out of range");
        }
        capabilities = List.copyOf(capabilities);
    }

    /** An OPEN for {@code asn}, with AS_TRANS in the 2-octet field when the ASN does not fit (RFC 6793 section 4.1). */
    public static OpenMessage of(long asn, int holdTime, int bgpIdentifier, List<Capability> capabilities) {
        Bgp.checkAsn(asn);
        final int myAs = Bgp.isFourOctetOnly(asn) ? Bgp.AS_TRANS : (int) asn;
        return new OpenMessage(Bgp.VERSION, myAs, holdTime, bgpIdentifier, capabilities);
    }

    @Override
    public int type() {
        return Bgp.TYPE_OPEN;
    }

    /** The first capability of the given type, or null. */
    public <T extends Capability> T capability(Class<T> type) {
        for (final Capability c : capabilities) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    public boolean hasCapability(Capability capability) {
        return capabilities.contains(capability);
    }

    /** True when no Multiprotocol capability is present (RFC 4760 section 8: then only IPv4 unicast is implied). */
    public boolean hasNoMultiprotocol() {
        return capability(Capability.Multiprotocol.class) == null;
    }

    /** The speaker's ASN: the RFC 6793 capability when present, else the 2-octet field. */
    public long asn() {
        final Capability.FourOctetAs four = capability(Capability.FourOctetAs.class);
        return four != null ? four.asn() : myAs;
    }

    /** Size of the Capabilities parameter value: each capability is code, length and value. */
    int capabilitiesLength() {
        int length = 0;
        for (final Capability c : capabilities) {
            length += 2 + c.valueLength();
        }
        return length;
    }
}
