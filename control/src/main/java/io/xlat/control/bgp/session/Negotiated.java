package io.xlat.control.bgp.session;

/**
 * What the OPEN exchange settled (RFC 4271 section 4.2, RFC 5492, RFC 4760, RFC 6793, RFC 8950).
 *
 * @param holdTime        seconds, the smaller of the two offers; 0 disables hold and keepalive timers
 * @param fourOctetAs     both sides sent the RFC 6793 capability
 * @param ipv4            IPv4 unicast is enabled
 * @param ipv6            IPv6 unicast is enabled
 * @param extendedNextHop IPv4 NLRI may carry IPv6 next hops (both sides sent RFC 8950 for AFI 1/SAFI 1/NH AFI 2)
 * @param routeRefresh    the peer may send ROUTE-REFRESH (it advertised RFC 2918)
 * @param peerAsn         the peer's ASN
 * @param peerBgpId       the peer's BGP Identifier
 */
public record Negotiated(int holdTime, boolean fourOctetAs, boolean ipv4, boolean ipv6, boolean extendedNextHop,
    boolean routeRefresh, long peerAsn, int peerBgpId) {

    /** RFC 4271 section 4.4: keepalives at "one third of the Hold Time interval"; 0 means none. */
    public long keepaliveNanos() {
        return holdTime * 1_000_000_000L / 3;
    }

    public long holdNanos() {
        return holdTime * 1_000_000_000L;
    }
}
