package io.xlat.control.bgp;

import io.xlat.control.testing.NamespaceLab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * What the BGP interop tests add to {@link NamespaceLab}: every lab draws its own RFC 4193 ULA /48 and numbers its
 * veth links from it (with fixed link-local addresses, for next-hop checks), namespaces accept no router
 * advertisements, and files and logs are named within the scratch directory.
 */
final class InteropLab extends NamespaceLab {

    private final String ula48;

    /** One veth pair: end A in {@code nsA} and end B in {@code nsB}, each with a ULA and a fixed link-local. */
    record Link(String nsA, String ifA, String addressA, String linkLocalA, String nsB, String ifB, String addressB,
        String linkLocalB) {
    }

    InteropLab(String tag) throws IOException {
        super(tag);
        // RFC 4193 section 3.2: "a 40-bit Global ID [...] generated with a pseudo-random algorithm"
        final long globalId = new SecureRandom().nextLong() & 0xFF_FFFF_FFFFL;
        ula48 = String.format("fd%02x:%x:%x", globalId >>> 32, (globalId >>> 16) & 0xFFFF, globalId & 0xFFFF);
    }

    /** Root, iproute2 and {@code programs}; no TUN device (see {@link NamespaceLab#requireRoot}). */
    public static void requireRoot(String... programs) {
        NamespaceLab.requireRootWithoutTun(programs);
    }

    /** An absolute path, or a name looked up in PATH and the sbin directories. */
    static boolean installed(String program) {
        return NamespaceLab.onPath(program);
    }

    /** The scratch directory, deleted by {@link #close()}. */
    Path dir() {
        return dir;
    }

    /** Writes a file into the scratch directory. */
    Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** A file of the scratch directory as text, or a note saying why it cannot be read (for failure messages). */
    String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "(" + name + ": " + e + ")";
        }
    }

    /** An address of this lab's ULA /48: {@code subnet} picks the /64, {@code host} the interface identifier. */
    String ula(int subnet, int host) {
        return ula48 + ":" + Integer.toHexString(subnet) + "::" + Integer.toHexString(host);
    }

    /** As {@link NamespaceLab#namespace}, and the namespace accepts no router advertisements. */
    @Override
    public String namespace(String role) {
        final String name = super.namespace(role);
        // FRR sends router advertisements on links with RFC 8950 or unnumbered peers; a SLAAC address would
        // become the speaker's source address and next hop (and miss the peer's TCP-MD5 key): accept none
        in(name, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/default/accept_ra"
            + " && echo 0 > /proc/sys/net/ipv6/conf/all/accept_ra");
        return name;
    }

    /**
     * A veth pair between two namespaces, both ends up, with {@code ula(subnet, 1)/64} and {@code fe80::1/64} on
     * A and {@code ula(subnet, 2)/64} and {@code fe80::2/64} on B. The kernel's own link-local addresses are
     * turned off so that the link-local address a test expects in a next hop is the only one.
     */
    Link veth(String nsA, String ifA, String nsB, String ifB, int subnet) {
        run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        final Link link = new Link(nsA, ifA, ula(subnet, 1), "fe80::1", nsB, ifB, ula(subnet, 2), "fe80::2");
        configure(nsA, ifA, link.addressA(), link.linkLocalA());
        configure(nsB, ifB, link.addressB(), link.linkLocalB());
        return link;
    }

    private void configure(String ns, String ifName, String address, String linkLocal) {
        run("ip", "-n", ns, "link", "set", ifName, "addrgenmode", "none");
        // nodad: a tentative address cannot be bound yet, and nothing else is on this link
        run("ip", "-n", ns, "addr", "add", address + "/64", "dev", ifName, "nodad");
        run("ip", "-n", ns, "addr", "add", linkLocal + "/64", "dev", ifName, "nodad");
        run("ip", "-n", ns, "link", "set", ifName, "up");
    }

    /** A long-running program in a namespace, its output to {@code log} in the scratch directory. */
    Process start(String ns, String log, String... command) throws IOException {
        return start(ns, dir.resolve(log), command);
    }
}
