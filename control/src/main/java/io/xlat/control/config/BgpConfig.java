package io.xlat.control.config;

import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.LargeCommunity;

import java.util.List;

/**
 * The {@code bgp:} section: the originate-only speaker that announces what {@code xlat routes} prints. Offline
 * commands read and check it; it takes effect with {@code xlat run}. {@link #DISABLED} when the section is absent.
 *
 * @param asn              {@code asn}: our AS number (1..4294967295), or 0 when BGP is not configured
 * @param routerId         {@code router-id}: the BGP identifier, an IPv4 address in an int
 * @param holdTime         {@code hold-time}: seconds, 0 or 3..65535 (RFC 4271 section 4.2)
 * @param peers            {@code peers}: the neighbours to connect to
 * @param communities      {@code communities}: RFC 1997 communities attached to every route
 * @param largeCommunities {@code large-communities}: RFC 8092 large communities attached to every route
 * @param med              {@code med}: MULTI_EXIT_DISC sent with every route, or -1 for none
 * @param localPref        {@code local-pref}: LOCAL_PREF on iBGP sessions, or -1 for the speaker's default (100)
 * @param asPathPrepend    {@code as-path-prepend}: extra copies of our AS on eBGP sessions (0..16), to drain a
 *                         translator without withdrawing it
 * @param listen           {@code listen}: where to accept connections from the peers, or null (default) to
 *                         accept none and only connect
 */
public record BgpConfig(long asn, int routerId, int holdTime, List<Peer> peers, List<Community> communities,
    List<LargeCommunity> largeCommunities, long med, long localPref, int asPathPrepend, ListenAddress listen) {

    /** RFC 4271 section 10 suggests 90 s; a data-centre fabric wants failures noticed within seconds. */
    public static final int DEFAULT_HOLD_TIME = 9;

    public static final BgpConfig DISABLED = new BgpConfig(0, 0, DEFAULT_HOLD_TIME, List.of(), List.of(), List.of(),
        -1, -1, 0, null);

    /** The most copies of our AS {@code as-path-prepend} accepts: enough to drain, not to bloat the path. */
    public static final int MAX_PREPEND = 16;

    public BgpConfig {
        peers = List.copyOf(peers);
        communities = List.copyOf(communities);
        largeCommunities = List.copyOf(largeCommunities);
    }

    public boolean enabled() {
        return asn != 0;
    }

    /**
     * One neighbour.
     *
     * @param address       {@code address}: an IPv4 or IPv6 literal; a link-local IPv6 one carries its interface
     *                      as {@code fe80::1%eth0}. Null for an unnumbered peer
     * @param asn           {@code asn}: the peer's AS number (equal to ours for iBGP)
     * @param password      {@code password}: the TCP-MD5 key (RFC 2385), or null
     * @param passive       {@code passive}: never connect, accept the peer's connection only
     * @param interfaceName {@code interface}: an unnumbered peer, whoever connects from a link-local address on
     *                      this interface (always passive); or null
     */
    public record Peer(String address, long asn, String password, boolean passive, String interfaceName) {

        /** An active peer by address. */
        public Peer(String address, long asn, String password) {
            this(address, asn, password, false, null);
        }

        /** The address, or the interface name of an unnumbered peer: the session's name in logs and stats. */
        public String name() {
            return address != null ? address : interfaceName;
        }

        @Override
        public String toString() {
            // never print the password
            return "Peer[" + (address != null ? address : "interface " + interfaceName) + " AS " + asn
                + (password == null ? "" : " md5") + (passive ? " passive" : "") + "]";
        }
    }
}
