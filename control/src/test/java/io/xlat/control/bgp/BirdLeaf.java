package io.xlat.control.bgp;

import java.nio.file.Path;

/**
 * The BIRD leaf the {@code xlat run} BGP tests peer with: AS 64496, one eBGP session {@code xlat0} to xlat's
 * AS 4200000001, importing IPv6 and IPv4 (RFC 8950 next hops), exporting nothing, and its control socket for
 * {@code birdc}.
 */
final class BirdLeaf {
    private final InteropLab lab;
    private final Path socket;

    private BirdLeaf(InteropLab lab, Path socket) {
        this.lab = lab;
        this.socket = socket;
    }

    /** Starts BIRD in {@code ns}, peering with xlat at {@code xlatAddress}, and waits for its control socket. */
    static BirdLeaf start(InteropLab lab, String ns, String xlatAddress) throws Exception {
        final Path log = lab.dir().resolve("bird.log");
        final Path file = lab.write("bird.conf", String.join("\n",
            "log \"" + log + "\" all;",
            "router id 198.51.100.2;",
            "protocol device { scan time 1; }",
            "protocol bgp xlat0 {",
            "  debug { states, routes, events };",
            "  local as 64496;",
            "  neighbor " + xlatAddress + " as 4200000001;",
            "  hold time 9;",
            "  ipv6 { import all; export none; };",
            "  ipv4 { import all; export none; extended next hop on; };",
            "}",
            ""));
        final Path socket = lab.dir().resolve("bird.ctl");
        lab.start(ns, "bird.out", "bird", "-f", "-c", file.toString(), "-s", socket.toString());
        InteropLab.await("BIRD control socket", 10_000, () -> socket.toFile().exists());
        return new BirdLeaf(lab, socket);
    }

    /** A birdc command's output; fails the test when birdc fails. */
    String birdc(String... command) {
        return birdc(lab, socket, command);
    }

    /** The same for any BIRD of the lab, by its control socket. */
    static String birdc(InteropLab lab, Path socket, String... command) {
        final String[] argv = new String[command.length + 3];
        argv[0] = "birdc";
        argv[1] = "-s";
        argv[2] = socket.toString();
        System.arraycopy(command, 0, argv, 3, command.length);
        return lab.run(argv);
    }
}
