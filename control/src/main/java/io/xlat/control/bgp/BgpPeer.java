package io.xlat.control.bgp;

import io.xlat.control.bgp.session.SessionConfig;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * One configured neighbour.
 *
 * @param address      literal address, with a zone for link-local peers: {@code 2001:db8:ffff::1},
 *                     {@code fe80::1%eth0}; resolved at every connection attempt, so the interface may appear later
 * @param port         179, or another port for tests
 * @param password     TCP-MD5 key (RFC 2385, Linux TCP_MD5SIG; epoll transport only), or null
 * @param localAddress source address to bind, or null to let the kernel choose
 * @param session      session settings (ASNs, hold time, families, next hops)
 */
public record BgpPeer(String address, int port, String password, InetAddress localAddress, SessionConfig session) {

    /** Linux TCP_MD5SIG_MAXKEYLEN. */
    public static final int MAX_PASSWORD_LENGTH = 80;

    public BgpPeer {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (password != null && (password.isEmpty()
            || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_LENGTH)) {
            throw new IllegalArgumentException("TCP-MD5 password must be 1.." + MAX_PASSWORD_LENGTH + " octets");
        }
        if (address.indexOf('[') >= 0 || address.isBlank()) {
            throw new IllegalArgumentException("peer address must be a bare literal, got '" + address + "'");
        }
    }

    public static BgpPeer of(String address, SessionConfig session) {
        return new BgpPeer(address, io.xlat.control.bgp.wire.Bgp.PORT, null, null, session);
    }

    public BgpPeer withPassword(String value) {
        return new BgpPeer(address, port, value, localAddress, session);
    }

    public BgpPeer withPort(int value) {
        return new BgpPeer(address, value, password, localAddress, session);
    }

    @Override
    public String toString() {
        // never print the password
        return "BgpPeer[" + address + " port " + port + (password == null ? "" : " md5") + " AS " + session.peerAsn()
            + "]";
    }
}
