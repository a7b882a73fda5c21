package io.xlat.control.bgp.session;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The next hops this session announces, from the configuration or else from the local end of the TCP connection.
 *
 * @param ipv4      for plain IPv4 NLRI; null when there is none (an IPv6 session without configuration)
 * @param global    the first IPv6 next hop; null on an IPv4 session without configuration
 * @param linkLocal the RFC 2545 link-local next hop, or null
 */
public record NextHops(Inet4Address ipv4, Inet6Address global, Inet6Address linkLocal) {

    /**
     * On a link-local ("unnumbered") session without a configured global address, the link-local address fills
     * both fields of the 32-octet next hop: the peer can reach nothing else of ours on that link, and BIRD and
     * FRR both accept a link-local address in the global field.
     */
    public static NextHops resolve(SessionConfig config, InetAddress local) {
        Inet4Address ipv4 = config.nextHopIpv4();
        Inet6Address global = config.nextHopIpv6();
        Inet6Address linkLocal = config.nextHopLinkLocal();
        if (local instanceof Inet4Address local4) {
            if (ipv4 == null) {
                ipv4 = local4;
            }
        } else if (local instanceof Inet6Address local6) {
            if (local6.isLinkLocalAddress()) {
                if (linkLocal == null) {
                    linkLocal = local6;
                }
            } else if (global == null) {
                global = local6;
            }
        }
        if (global == null && linkLocal != null) {
            global = linkLocal;
        }
        return new NextHops(ipv4, global, linkLocal);
    }
}
