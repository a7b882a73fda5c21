package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xlat.control.bgp.session.RouteAttributes;
import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.session.SessionConfig;
import io.xlat.control.bgp.session.SessionState;
import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.LargeCommunity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Interop with BIRD 2 (Debian package {@code bird2}) in a network namespace this test creates and deletes:
 * the speaker in the root namespace connects over a veth pair with ULA addresses to BIRD in the namespace.
 * Needs root; skips otherwise, unless XLAT_REQUIRE_ROOT_TESTS=1, when it fails.
 */
class BirdInteropIT {

    private static final String SPEAKER = "fd00:b6::1";
    private static final String BIRD = "fd00:b6::2";

    private final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    private final String ns = "xlatbird" + id;
    private final String hostIf = "xb" + id + "a";
    private final String nsIf = "xb" + id + "b";

    @Test
    void shouldEstablishWithBirdAndHaveExactlyOurRoutesThenRemoveThemOnStop() throws Exception {
        requireRootAndBird();
        final Path dir = Files.createTempDirectory("xlat-bird");
        Process bird = null;
        try {
            sh("ip netns add " + ns);
            sh("ip link add " + hostIf + " type veth peer name " + nsIf);
            sh("ip link set " + nsIf + " netns " + ns);
            sh("ip addr add " + SPEAKER + "/64 dev " + hostIf + " nodad");
            sh("ip link set " + hostIf + " up");
            sh("ip -n " + ns + " link set lo up");
            sh("ip -n " + ns + " addr add " + BIRD + "/64 dev " + nsIf + " nodad");
            sh("ip -n " + ns + " link set " + nsIf + " up");

            final Path conf = dir.resolve("bird.conf");
            Files.writeString(conf, String.join("\n",
                "router id 198.51.100.2;",
                "protocol device { scan time 1; }",
                "protocol bgp xlat {",
                "  local " + BIRD + " as 64496;",
                "  neighbor " + SPEAKER + " as 4200000001;",
                "  hold time 9;",
                "  ipv6 { import all; export none; };",
                "  ipv4 { import all; export none; extended next hop on; };",
                "}", ""));
            final Path socket = dir.resolve("bird.ctl");
            bird = new ProcessBuilder("ip", "netns", "exec", ns, "bird", "-f", "-c", conf.toString(), "-s",
                socket.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("bird.log").toFile()).start();
            final Path sock = socket;
            await("BIRD control socket", 10_000, () -> Files.exists(sock));

            final SessionConfig config = SessionConfig.builder(4_200_000_001L, 64496, 0xC000020B).name(BIRD)
                .connectRetry(200, 1000, TimeUnit.MILLISECONDS).build();
            final RouteAttributes attributes = RouteAttributes.DEFAULT.withMed(10)
                .withCommunities(List.of(Community.parse("64496:100")))
                .withLargeCommunities(List.of(LargeCommunity.parse("4200000001:1:1")));
            try (BgpSpeaker speaker = new BgpSpeaker(List.of(BgpPeer.of(BIRD, config)))) {
                speaker.routes(RouteSet.builder().add("2001:db8:64::/96", attributes)
                    .add("198.51.100.0/24", attributes).build());
                speaker.start();
                await("Established", 15_000, () -> birdc(sock, "show protocols xlat").contains("Established"));
                assertEquals(SessionState.ESTABLISHED, speaker.status().get(0).state());

                final String routes6 = birdc(sock, "show route protocol xlat table master6 all");
                final String routes4 = birdc(sock, "show route protocol xlat table master4 all");
                assertEquals(List.of("2001:db8:64::/96"), prefixes(routes6), routes6);
                assertEquals(List.of("198.51.100.0/24"), prefixes(routes4), routes4);
                assertTrue(routes6.contains(SPEAKER), "IPv6 next hop is our address:\n" + routes6);
                assertTrue(routes4.contains(SPEAKER), "RFC 8950 IPv6 next hop for IPv4:\n" + routes4);
                assertTrue(routes6.contains("4200000001"), "4-octet AS in the path:\n" + routes6);
                assertTrue(routes6.contains("(64496,100)"), "community:\n" + routes6);
                assertTrue(routes6.contains("(4200000001, 1, 1)"), "large community:\n" + routes6);
                assertTrue(routes6.contains("BGP.med: 10"), "MED:\n" + routes6);

                final long stopAt = System.nanoTime();
                speaker.stop("xlat interop test over").get(5, TimeUnit.SECONDS);
                await("routes gone", 1_000, () -> prefixes(birdc(sock, "show route protocol xlat")).isEmpty());
                assertTrue(System.nanoTime() - stopAt < TimeUnit.SECONDS.toNanos(1), "withdrawn within 1 s");
                final String protocol = birdc(sock, "show protocols all xlat");
                assertTrue(!protocol.contains("Established"), protocol);
                assertTrue(protocol.contains("xlat interop test over"), "RFC 8203 message shown by BIRD:\n" + protocol);
            }
        } finally {
            if (bird != null) {
                bird.destroy();
                bird.waitFor(5, TimeUnit.SECONDS);
                bird.destroyForcibly();
            }
            quiet("ip link del " + hostIf);
            quiet("ip netns del " + ns);
            try (var files = Files.list(dir)) {
                for (final Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The prefixes at the start of birdc route lines. */
    private static List<String> prefixes(String birdcOutput) {
        final List<String> out = new ArrayList<>();
        for (final String line : birdcOutput.split("\n")) {
            final String t = line.trim();
            if (!line.startsWith(" ") && !line.startsWith("\t") && t.matches("^[0-9a-f:.]+/\\d+\\s.*")) {
                out.add(t.split("\\s+")[0]);
            }
        }
        return out;
    }

    private void requireRootAndBird() {
        final boolean required = "1".equals(System.getenv("XLAT_REQUIRE_ROOT_TESTS"));
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root is needed for network namespaces";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/bird")) || !Files.isExecutable(Path.of("/usr/sbin/birdc"))) {
            missing = "BIRD 2 is not installed (apt-get install -y bird2)";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            missing = "iproute2 is not installed";
        }
        if (missing != null) {
            if (required) {
                fail("XLAT_REQUIRE_ROOT_TESTS=1 but " + missing);
            }
            Assumptions.abort("skipped: " + missing);
        }
    }

    private static String birdc(Path socket, String command) {
        try {
            final List<String> argv = new ArrayList<>(List.of("birdc", "-s", socket.toString()));
            argv.addAll(List.of(command.split(" ")));
            return run(argv);
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void sh(String command) throws IOException {
        run(List.of(command.split(" ")));
    }

    private static void quiet(String command) {
        try {
            sh(command);
        } catch (IOException e) {
            // cleanup of something that may not exist
        }
    }

    private static String run(List<String> argv) throws IOException {
        final Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
