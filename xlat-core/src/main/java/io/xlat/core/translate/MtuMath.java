package io.xlat.core.translate;

/** Packet Too Big / Fragmentation Needed MTU arithmetic of RFC 7915 sections 4.2 and 5.2. */
final class MtuMath {
    static final int IPV6_MINIMUM_MTU = 1280;
    private final int[] plateaus;
    private final int ipv4Mtu;
    private final int ipv6Mtu;

    MtuMath(int[] plateaus, int ipv4Mtu, int ipv6Mtu) {
        this.plateaus = plateaus.clone();
        this.ipv4Mtu = ipv4Mtu;
        this.ipv6Mtu = ipv6Mtu;
    }

    /**
     * RFC 7915 §4.2 (ICMPv4 Fragmentation Needed to ICMPv6 Packet Too Big): "The MTU field MUST be adjusted for
     * the difference between the IPv4 and IPv6 header sizes, taking into account whether or not the packet in
     * error includes a Fragment Header, i.e., minimum(advertised MTU+20, MTU_of_IPv6_nexthop,
     * (MTU_of_IPv4_nexthop)+20)." The packet in error carried a Fragment Header exactly when its IPv4 form was a
     * fragment, so the growth is 28 then. A zero MTU (pre-RFC 1191 router) is replaced by the greatest plateau
     * below the returned Total Length (RFC 7915 §4.2, RFC 1191 §5).
     */
    int packetTooBigMtu46(int advertisedMtu, int innerTotalLength, boolean innerIsFragment) {
        int mtu = advertisedMtu;
        if (mtu == 0) {
            mtu = plateauBelow(innerTotalLength);
        }
        final int growth = innerIsFragment ? 28 : 20;
        // RFC 7915 §5: "When translating an ICMPv4 "Fragmentation Needed" packet, the indicated MTU in the
        // resulting ICMPv6 "Packet Too Big" will never be set to a value lower than 1280."
        return Math.max(IPV6_MINIMUM_MTU, Math.min(mtu + growth, Math.min(ipv6Mtu, ipv4Mtu + growth)));
    }

    /**
     * RFC 7915 §5.2 (ICMPv6 Packet Too Big to ICMPv4 Fragmentation Needed): "The MTU field MUST be adjusted for
     * the difference between the IPv4 and IPv6 header sizes, i.e., minimum(advertised MTU-20,
     * MTU_of_IPv4_nexthop, (MTU_of_IPv6_nexthop)-20)." Clamped to the 16-bit ICMPv4 field.
     */
    int fragmentationNeededMtu64(long advertisedMtu, boolean innerHadFragmentHeader) {
        // Like §4.2, the difference is 28 when the IPv6 packet in error carried a Fragment header, which its
        // IPv4 form does not.
        final int growth = innerHadFragmentHeader ? 28 : 20;
        final long mtu = Math.min(advertisedMtu - growth, Math.min(ipv4Mtu, ipv6Mtu - (long) growth));
        return (int) Math.max(0, Math.min(0xFFFF, mtu));
    }

    /** The greatest plateau strictly less than {@code totalLength}; 68 (the IPv4 minimum) if none is. */
    int plateauBelow(int totalLength) {
        for (final int plateau : plateaus) {
            if (plateau < totalLength) {
                return plateau;
            }
        }
        return 68;
    }
}
