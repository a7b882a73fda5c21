package io.xlat.control.bgp;

import io.xlat.control.bgp.session.SessionConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One configured neighbour: by address, or (unnumbered) by the interface it is reached over.
 *
 * @param address       literal address, with a zone for link-local peers: {@code 2001:db8:ffff::1},
 *                      {@code fe80::1%eth0}; resolved at every connection attempt, so the interface may appear
 *                      later. Null for an unnumbered peer
 * @param port          179, or another port for tests (the port we connect to; accepted connections come from any)
 * @param password      TCP-MD5 key (RFC 2385, Linux TCP_MD5SIG; epoll transport only), or null
 * @param localAddress  source address to bind, or null to let the kernel choose
 * @param session       session settings (ASNs, hold time, families, next hops, passive)
 * @param interfaceName an unnumbered peer: whoever connects from a link-local address on this interface, or null.
 *                      Always passive (there is no address to connect to) and without TCP-MD5 (Linux binds a key
 *                      to an address)
 */
public record BgpPeer(String address, int port, String password, InetAddress localAddress, SessionConfig session,
    String interfaceName) {

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
        if ((address == null) == (interfaceName == null)) {
            throw new IllegalArgumentException("a peer has an address or an interface, not both or neither");
        }
        if (address != null && (address.indexOf('[') >= 0 || address.isBlank())) {
            throw new IllegalArgumentException("peer address must be a bare literal, got '" + address + "'");
        }
        if (interfaceName != null && (!session.passive() || password != null)) {
            throw new IllegalArgumentException("a peer given by interface is passive and has no TCP-MD5 key");
        }
    }

    public BgpPeer(String address, int port, String password, InetAddress localAddress, SessionConfig session) {
        this(address, port, password, localAddress, session, null);
    }

    public static BgpPeer of(String address, SessionConfig session) {
        return new BgpPeer(address, io.xlat.control.bgp.wire.Bgp.PORT, null, null, session);
    }

    /** An unnumbered peer on {@code interfaceName}; {@code session} must be passive. */
    public static BgpPeer onInterface(String interfaceName, SessionConfig session) {
        return new BgpPeer(null, io.xlat.control.bgp.wire.Bgp.PORT, null, null, session, interfaceName);
    }

    public BgpPeer withPassword(String value) {
        return new BgpPeer(address, port, value, localAddress, session, interfaceName);
    }

    public BgpPeer withPort(int value) {
        return new BgpPeer(address, value, password, localAddress, session, interfaceName);
    }

    /** The address, or the interface of an unnumbered peer, for messages. */
    public String label() {
        return address != null ? address : "interface " + interfaceName;
    }

    /**
     * Whether a connection from {@code remote} is this peer's: the same address (and for a link-local one the
     * same interface, by scope id), or for an unnumbered peer any link-local address on its interface. Resolved
     * now, so an interface created after start counts.
     */
    boolean matches(InetAddress remote) {
        if (address == null) {
            return remote instanceof Inet6Address r && r.isLinkLocalAddress() && r.getScopeId() != 0
                && r.getScopeId() == interfaceIndex(interfaceName);
        }
        final InetAddress mine;
        try {
            mine = InetAddress.getByName(address); // a literal: never DNS
        } catch (UnknownHostException e) {
            return false; // a link-local peer whose interface does not exist (yet)
        }
        if (!Arrays.equals(mine.getAddress(), remote.getAddress())) {
            return false;
        }
        // Inet6Address.equals ignores the scope: fe80::1 on eth0 is not fe80::1 on eth1
        return !(mine instanceof Inet6Address m && m.isLinkLocalAddress())
            || (remote instanceof Inet6Address r && r.getScopeId() == m.getScopeId());
    }

    private static int interfaceIndex(String name) {
        try {
            final NetworkInterface nif = NetworkInterface.getByName(name);
            return nif == null ? -1 : nif.getIndex();
        } catch (SocketException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        // never print the password
        return "BgpPeer[" + label() + (address == null ? "" : " port " + port) + (password == null ? "" : " md5")
            + (session.passive() ? " passive" : "") + " AS " + session.peerAsn() + "]";
    }
}
