package io.xlat.control.bgp.session;

import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.LargeCommunity;
import io.xlat.control.bgp.wire.PathAttribute.Origin;
import java.util.List;

/**
 * What a route says besides its prefix and next hop. Every translator of a fleet should announce the same values
 * so that the fabric sees equal paths and spreads traffic over them (ECMP).
 *
 * @param origin           ORIGIN; IGP for locally configured prefixes
 * @param med              MULTI_EXIT_DISC, or -1 for none
 * @param localPref        LOCAL_PREF for internal peers, or -1 for the customary 100; never sent to external peers
 * @param asPathPrepend    extra copies of our ASN on external sessions, to drain traffic away from this host;
 *                         internal sessions ignore it (a route carrying its own AS would be dropped by iBGP peers)
 * @param communities      RFC 1997 communities
 * @param largeCommunities RFC 8092 large communities
 */
public record RouteAttributes(Origin origin, long med, long localPref, int asPathPrepend, List<Community> communities,
    List<LargeCommunity> largeCommunities) {

    public static final RouteAttributes DEFAULT = new RouteAttributes(Origin.IGP, -1, -1, 0, List.of(), List.of());

    public RouteAttributes {
        if (med < -1 || med > 0xFFFF_FFFFL || localPref < -1 || localPref > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("MED and LOCAL_PREF must be -1 or 0..4294967295");
        }
        if (asPathPrepend < 0 || asPathPrepend > 32) {
            throw new IllegalArgumentException("AS-path prepend must be 0..32, got " + asPathPrepend);
        }
        communities = List.copyOf(communities);
        largeCommunities = List.copyOf(largeCommunities);
    }

    public RouteAttributes withMed(long value) {
        return new RouteAttributes(origin, value, localPref, asPathPrepend, communities, largeCommunities);
    }

    public RouteAttributes withLocalPref(long value) {
        return new RouteAttributes(origin, med, value, asPathPrepend, communities, largeCommunities);
    }

    public RouteAttributes withAsPathPrepend(int value) {
        return new RouteAttributes(origin, med, localPref, value, communities, largeCommunities);
    }

    public RouteAttributes withCommunities(List<Community> value) {
        return new RouteAttributes(origin, med, localPref, asPathPrepend, value, largeCommunities);
    }

    public RouteAttributes withLargeCommunities(List<LargeCommunity> value) {
        return new RouteAttributes(origin, med, localPref, asPathPrepend, communities, value);
    }
}
