package io.xlat.control.bgp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xlat.control.bgp.session.RouteAttributes;
import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.session.SessionConfig;
import io.xlat.control.bgp.session.SessionState;
import io.xlat.control.bgp.wire.Bgp;
import io.xlat.control.bgp.wire.Community;
import io.xlat.control.bgp.wire.LargeCommunity;
import io.xlat.core.addr.Ipv4Addresses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BgpSpeaker} in a JVM of its own, started inside the xlat-side namespace of an {@link InteropLab}
 * (a JVM cannot move its sockets into another namespace) and killable with SIGKILL like a crashed translator.
 *
 * <p>The child ({@link #main}) takes {@code key=value} arguments: {@code local-asn}, {@code router-id},
 * {@code hold-time}, repeated {@code peer=ADDRESS,ASN[,PASSWORD]}, {@code local-address}, repeated {@code route},
 * {@code med}, {@code community}, {@code large-community}; for accepted sessions {@code listen=ADDRESS,PORT} and
 * repeated {@code passive-peer=ADDRESS,ASN[,PASSWORD]} and {@code interface-peer=INTERFACE,ASN} (unnumbered). It prints {@code state INDEX STATE} whenever a peer's
 * session changes state, and obeys {@code stop MESSAGE} on its standard input (prints {@code stopped}, exits).
 * The parent side is the instance: it starts the child, follows its output and waits for states.
 */
final class SpeakerProcess implements AutoCloseable {

    private static final long POLL_MILLIS = 20;

    private final Process process;
    private final String log;
    private final InteropLab lab;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Writer commands;

    private SpeakerProcess(InteropLab lab, Process process, String log) {
        this.lab = lab;
        this.process = process;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        final Thread reader = new Thread(this::follow, "speaker-output-" + log);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a speaker JVM in {@code ns}; its stderr goes to {@code <log>} in the lab's directory. */
    static SpeakerProcess start(InteropLab lab, String ns, String log, List<String> arguments) throws IOException {
        final List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
            System.getProperty("java.class.path"), SpeakerProcess.class.getName()));
        argv.addAll(arguments);
        final Process p = new ProcessBuilder(InteropLab.inNamespace(ns, argv.toArray(new String[0])))
            .redirectError(lab.dir().resolve(log).toFile()).start();
        return new SpeakerProcess(lab, lab.track(p), log);
    }

    private void follow() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e + ")");
        }
    }

    /** The last state the child reported for peer {@code index}, or null before the first report. */
    SessionState state(int index) {
        final String prefix = "state " + index + " ";
        synchronized (lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(prefix)) {
                    return SessionState.valueOf(lines.get(i).substring(prefix.length()));
                }
            }
        }
        return null;
    }

    /** Waits until peer {@code index} reports {@code state}; the failure message carries the child's output. */
    void awaitState(int index, SessionState state, long millis) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (state(index) != state) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                fail("speaker peer " + index + " not " + state + " within " + millis + " ms; output " + lines
                    + "\nlog:\n" + lab.read(log));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Whether peer {@code index} has ever reported {@code state}. */
    boolean everReached(int index, SessionState state) {
        return lines.contains("state " + index + " " + state);
    }

    /** Asks the child to withdraw, send Cease with {@code message} and exit; does not wait. */
    void stop(String message) throws IOException {
        commands.write("stop " + message + "\n");
        commands.flush();
    }

    /** Waits for the child to confirm {@link #stop} and exit. */
    void awaitStopped() throws InterruptedException {
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "speaker did not exit after stop:\n" + lab.read(log));
        // the reader thread may still be on its way to the last line
        InteropLab.await("the speaker's confirmation of stop (log " + log + ")", 2_000, () -> lines.contains("stopped"));
    }

    /** SIGSTOP: a hung translator; its sockets stay open and the kernel still acknowledges, but it says nothing. */
    void hang() {
        lab.run("kill", "-STOP", Long.toString(process.pid()));
    }

    /** SIGKILL, as {@code kill -9}: the kernel closes the sockets, no NOTIFICATION is sent. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(5, TimeUnit.SECONDS), "speaker survived SIGKILL");
    }

    @Override
    public void close() {
        InteropLab.stop(process, 0);
    }

    // ------------------------------------------------------------------------------------------ child side

    public static void main(String[] args) throws Exception {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long localAsn = 0;
        int routerId = 0;
        int holdTime = SessionConfig.DEFAULT_HOLD_TIME;
        InetAddress localAddress = null;
        RouteAttributes attributes = RouteAttributes.DEFAULT;
        final List<Community> communities = new ArrayList<>();
        final List<LargeCommunity> large = new ArrayList<>();
        final List<String> routes = new ArrayList<>();
        final List<String[]> peerSpecs = new ArrayList<>();
        final List<String[]> passiveSpecs = new ArrayList<>();
        final List<String[]> interfaceSpecs = new ArrayList<>();
        InetSocketAddress listen = null;
        for (final String arg : args) {
            final int eq = arg.indexOf('=');
            final String value = arg.substring(eq + 1);
            switch (arg.substring(0, eq)) {
                case "local-asn" -> localAsn = Long.parseLong(value);
                case "router-id" -> routerId = Ipv4Addresses.parse(value);
                case "hold-time" -> holdTime = Integer.parseInt(value);
                case "local-address" -> localAddress = InetAddress.getByName(value);
                case "peer" -> peerSpecs.add(value.split(",", 3));
                case "passive-peer" -> passiveSpecs.add(value.split(",", 3));
                case "interface-peer" -> interfaceSpecs.add(value.split(",", 2));
                case "listen" -> listen = new InetSocketAddress(InetAddress.getByName(value.split(",")[0]),
                    Integer.parseInt(value.split(",")[1]));
                case "route" -> routes.add(value);
                case "med" -> attributes = attributes.withMed(Long.parseLong(value));
                case "community" -> communities.add(Community.parse(value));
                case "large-community" -> large.add(LargeCommunity.parse(value));
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        attributes = attributes.withCommunities(communities).withLargeCommunities(large);
        final RouteSet.Builder desired = RouteSet.builder();
        for (final String route : routes) {
            desired.add(route, attributes);
        }
        final List<BgpPeer> peers = new ArrayList<>();
        for (final String[] spec : peerSpecs) {
            final SessionConfig config = SessionConfig.builder(localAsn, Long.parseLong(spec[1]), routerId)
                .name(spec[0]).holdTime(holdTime).connectRetry(200, 1000, TimeUnit.MILLISECONDS).build();
            peers.add(new BgpPeer(spec[0], Bgp.PORT, spec.length > 2 ? spec[2] : null, localAddress, config));
        }
        for (final String[] spec : passiveSpecs) {
            peers.add(new BgpPeer(spec[0], Bgp.PORT, spec.length > 2 ? spec[2] : null, localAddress,
                SessionConfig.builder(localAsn, Long.parseLong(spec[1]), routerId).name(spec[0]).holdTime(holdTime)
                    .passive(true).build()));
        }
        for (final String[] spec : interfaceSpecs) {
            peers.add(BgpPeer.onInterface(spec[0], SessionConfig.builder(localAsn, Long.parseLong(spec[1]), routerId)
                .name(spec[0]).holdTime(holdTime).passive(true).build()));
        }

        final BlockingQueue<String> input = new LinkedBlockingQueue<>();
        final Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    input.add(line);
                }
            } catch (IOException e) {
                // treated as end of input
            }
            input.add("stop parent went away");
        }, "speaker-stdin");
        stdin.setDaemon(true);
        stdin.start();

        try (BgpSpeaker speaker = new BgpSpeaker(peers, listen)) {
            speaker.routes(desired.build());
            speaker.start();
            final SessionState[] reported = new SessionState[peers.size()];
            while (true) {
                final List<BgpPeerStatus> status = speaker.status();
                for (int i = 0; i < reported.length; i++) {
                    if (status.get(i).state() != reported[i]) {
                        reported[i] = status.get(i).state();
                        out.println("state " + i + " " + reported[i]);
                        System.err.println(System.currentTimeMillis() + " " + status.get(i));
                    }
                }
                final String command = input.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (command != null && command.startsWith("stop ")) {
                    speaker.stop(command.substring("stop ".length())).get(5, TimeUnit.SECONDS);
                    out.println("stopped");
                    break;
                }
            }
        }
    }
}
