package io.xlat.control.bgp.session;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.concurrent.TimeUnit;

/**
 * Per-peer session settings. Build with {@link #builder(long, long, int)}; defaults follow the issue: hold time
 * 9 s, IPv4 and IPv6 unicast, RFC 8950 extended next hop on, graceful restart off.
 *
 * @param name                 label for logs and stats, usually the peer address
 * @param localAsn             our ASN (4-octet values such as 4200000001 work, RFC 6793)
 * @param peerAsn              the ASN the peer must announce; equal to localAsn makes the session internal
 * @param routerId             our BGP Identifier
 * @param holdTime             seconds we offer: 0 (no keepalives) or 3..65535
 * @param ipv4                 negotiate IPv4 unicast
 * @param ipv6                 negotiate IPv6 unicast
 * @param extendedNextHop      offer RFC 8950 IPv4 NLRI with IPv6 next hops
 * @param nextHopIpv4          next hop for IPv4 prefixes sent as plain NLRI; null: the local address of an IPv4
 *                             session, or RFC 8950 on an IPv6 session
 * @param nextHopIpv6          global IPv6 next hop; null: the local address of an IPv6 session
 * @param nextHopLinkLocal     link-local IPv6 next hop (RFC 2545 32-octet form); null: the local address when
 *                             the session itself runs over link-local addresses
 * @param connectRetryNanos    first reconnect delay; doubles per failure
 * @param connectRetryMaxNanos reconnect delay cap
 * @param connectTimeoutNanos  how long a TCP open may take
 * @param gracefulRestartTime  RFC 4724 Restart Time to advertise in seconds, or -1 (default) not to advertise
 *                             graceful restart: it would keep a dead translator in the fabric's tables
 * @param passive              RFC 4271 PassiveTcpEstablishment: never connect, wait in Active for the peer to
 *                             connect to the speaker's listening socket
 */
public record SessionConfig(String name, long localAsn, long peerAsn, int routerId, int holdTime, boolean ipv4,
    boolean ipv6, boolean extendedNextHop, Inet4Address nextHopIpv4, Inet6Address nextHopIpv6,
    Inet6Address nextHopLinkLocal, long connectRetryNanos, long connectRetryMaxNanos, long connectTimeoutNanos,
    int gracefulRestartTime, boolean passive) {

    public static final int DEFAULT_HOLD_TIME = 9;

    public SessionConfig {
        if (localAsn < 1 || localAsn > 0xFFFF_FFFFL || peerAsn < 1 || peerAsn > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ASNs must be 1..4294967295");
        }
        if (localAsn == 23456 || peerAsn == 23456) {
            throw new IllegalArgumentException("AS 23456 is AS_TRANS (RFC 6793) and cannot be configured");
        }
        if (routerId == 0) {
            throw new IllegalArgumentException("router-id must not be 0.0.0.0 (RFC 6286)");
        }
        // RFC 4271 section 4.2: "The Hold Time MUST be either zero or at least three seconds."
        if (holdTime != 0 && (holdTime < 3 || holdTime > 0xFFFF)) {
            throw new IllegalArgumentException("hold-time must be 0 or 3..65535, got " + holdTime);
        }
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("at least one of IPv4 and IPv6 unicast is needed");
        }
        if (nextHopLinkLocal != null && !nextHopLinkLocal.isLinkLocalAddress()) {
            throw new IllegalArgumentException("not a link-local address: " + nextHopLinkLocal.getHostAddress());
        }
        if (connectRetryNanos <= 0 || connectRetryMaxNanos < connectRetryNanos || connectTimeoutNanos <= 0) {
            throw new IllegalArgumentException("connect retry/timeout must be positive and retry <= max");
        }
        if (gracefulRestartTime < -1 || gracefulRestartTime > 0xFFF) {
            throw new IllegalArgumentException("graceful restart time must be -1 (off) or 0..4095");
        }
    }

    public boolean isInternal() {
        return localAsn == peerAsn;
    }

    public static Builder builder(long localAsn, long peerAsn, int routerId) {
        return new Builder(localAsn, peerAsn, routerId);
    }

    public static final class Builder {
        private String name = "peer";
        private final long localAsn;
        private final long peerAsn;
        private final int routerId;
        private int holdTime = DEFAULT_HOLD_TIME;
        private boolean ipv4 = true;
        private boolean ipv6 = true;
        private boolean extendedNextHop = true;
        private Inet4Address nextHopIpv4;
        private Inet6Address nextHopIpv6;
        private Inet6Address nextHopLinkLocal;
        private long connectRetryNanos = TimeUnit.SECONDS.toNanos(1);
        private long connectRetryMaxNanos = TimeUnit.SECONDS.toNanos(60);
        private long connectTimeoutNanos = TimeUnit.SECONDS.toNanos(5);
        private int gracefulRestartTime = -1;
        private boolean passive;

        Builder(long localAsn, long peerAsn, int routerId) {
            this.localAsn = localAsn;
            this.peerAsn = peerAsn;
            this.routerId = routerId;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder holdTime(int v) { holdTime = v; return this; }
        public Builder ipv4(boolean v) { ipv4 = v; return this; }
        public Builder ipv6(boolean v) { ipv6 = v; return this; }
        public Builder extendedNextHop(boolean v) { extendedNextHop = v; return this; }
        public Builder nextHopIpv4(Inet4Address v) { nextHopIpv4 = v; return this; }
        public Builder nextHopIpv6(Inet6Address v) { nextHopIpv6 = v; return this; }
        public Builder nextHopLinkLocal(Inet6Address v) { nextHopLinkLocal = v; return this; }
        public Builder connectRetry(long initial, long max, TimeUnit unit) {
            connectRetryNanos = unit.toNanos(initial);
            connectRetryMaxNanos = unit.toNanos(max);
            return this;
        }
        public Builder connectTimeout(long v, TimeUnit unit) { connectTimeoutNanos = unit.toNanos(v); return this; }
        public Builder gracefulRestartTime(int v) { gracefulRestartTime = v; return this; }
        public Builder passive(boolean v) { passive = v; return this; }

        public SessionConfig build() {
            return new SessionConfig(name, localAsn, peerAsn, routerId, holdTime, ipv4, ipv6, extendedNextHop,
                nextHopIpv4, nextHopIpv6, nextHopLinkLocal, connectRetryNanos, connectRetryMaxNanos,
                connectTimeoutNanos, gracefulRestartTime, passive);
        }
    }
}
