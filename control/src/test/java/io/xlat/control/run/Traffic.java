package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The traffic the namespace tests send through a translator and how they check what arrived: TCP transfers
 * compared by digest, paced UDP flows and bursts captured packet by packet, and the sizes of the TCP segments that
 * cross a link. Small Python programs do the sending and capturing (python3 is on every machine the tests run on).
 */
final class Traffic {

    private Traffic() {
    }

    /**
     * Makes the kernel cut every super-packet it forwards out of {@code links} (in {@code ns}) into the segments a
     * wire would carry, and complete their checksums: a gso_max_size below any super-packet (200, the least
     * iproute2 takes) and no transmit checksum offload. A veth otherwise passes super-packets and partial checksums
     * on whole, and a capture on the far side would see neither the segments nor their real checksums.
     */
    static void segmentOnEgress(NamespaceLab lab, String ns, String... links) {
        for (final String link : links) {
            lab.run("ip", "-n", ns, "link", "set", link, "gso_max_size", "200");
        }
        final List<String> command = new ArrayList<>(List.of("python3", "-c", NO_TX_CHECKSUM));
        command.addAll(List.of(links));
        lab.in(ns, command.toArray(new String[0]));
    }

    /**
     * Serves a random 1 MiB file over HTTP from one side and fetches it from the other; compares length and
     * SHA-256 of what arrived.
     */
    static void tcpTransfer(NamespaceLab lab, String serverNs, String bind, String clientNs, String url, int port)
        throws Exception {
        final Path www = Files.createDirectories(lab.dir.resolve("www-" + port));
        final byte[] blob = new byte[1 << 20];
        new Random(port).nextBytes(blob);
        Files.write(www.resolve("blob"), blob);
        final Process server = lab.start(serverNs, lab.dir.resolve("http-" + port + ".log"), "python3", "-m",
            "http.server", Integer.toString(port), "--bind", bind, "--directory", www.toString());
        try {
            final NamespaceLab.Result r = lab.execIn(clientNs, 60_000, "python3", "-c", FETCH, url);
            assertEquals(0, r.exitCode(), r.output());
            assertEquals(blob.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(blob)), r.output().trim(), "length and SHA-256 of what arrived");
        } finally {
            NamespaceLab.stop(server, 3_000);
        }
    }

    /**
     * {@link #tcpTransfer} while a capture on {@code iface} in {@code captureNs} (where the file's bytes arrive)
     * measures the TCP packets of the transfer: each must fit {@code mtu}, as a wire would carry it.
     */
    static void tcpTransferInSegments(NamespaceLab lab, String serverNs, String bind, String clientNs, String url,
        int port, String captureNs, String iface, int family, int mtu) throws Exception {
        final Path log = lab.dir.resolve("segments-" + port + "-" + System.nanoTime() + ".log");
        final Process capture = lab.start(captureNs, log, "python3", "-u", "-c", SEGMENTS, iface,
            Integer.toString(port), Integer.toString(family));
        NamespaceLab.await("the capture to start (" + log + ")", 10_000,
            () -> !capture.isAlive() || NamespaceLab.read(log).contains("ready"));
        tcpTransfer(lab, serverNs, bind, clientNs, url, port);
        assertTrue(capture.waitFor(30, TimeUnit.SECONDS), "the capture ended");
        final Matcher m = Pattern.compile("segments (\\d+) largest (\\d+)").matcher(NamespaceLab.read(log));
        assertTrue(m.find(), NamespaceLab.read(log));
        final long segments = Long.parseLong(m.group(1));
        final int largest = Integer.parseInt(m.group(2));
        System.out.println(iface + ": " + segments + " TCP packets of the transfer, the largest " + largest + " bytes");
        // 1 MiB in segments of at most an MTU: at least 700 of them
        assertTrue(segments > (1 << 20) / mtu, segments + " packets on " + iface);
        assertTrue(largest <= mtu, "a " + largest + "-byte packet on " + iface + " with MTU " + mtu);
    }

    /**
     * Captures what arrives at {@code iface} in {@code captureNs} for {@code port} while {@code sendNs} sends
     * {@code count} datagrams of {@code size} bytes to {@code target}, {@code pauseMicros} apart (0: as fast as
     * it can); returns the IP packets in the order they arrived, or with {@code iface} "socket" the payloads the
     * receiving socket got.
     */
    static List<byte[]> udp(NamespaceLab lab, String sendNs, String target, String captureNs, String iface,
        int family, int port, int count, int size, int pauseMicros) throws Exception {
        final Path log = lab.dir.resolve("capture-" + port + "-" + System.nanoTime() + ".log");
        final Process capture = lab.start(captureNs, log, "python3", "-u", "-c", CAPTURE, iface,
            Integer.toString(port), Integer.toString(count), Integer.toString(family));
        NamespaceLab.await("the capture to start (" + log + ")", 10_000,
            () -> !capture.isAlive() || NamespaceLab.read(log).contains("ready"));
        final NamespaceLab.Result sent = lab.execIn(sendNs, 30_000, "python3", "-c", SEND, target,
            Integer.toString(port), Integer.toString(count), Integer.toString(size), Integer.toString(pauseMicros));
        assertEquals(0, sent.exitCode(), sent.output());
        assertTrue(capture.waitFor(30, TimeUnit.SECONDS), "the capture ended");
        final List<byte[]> packets = new ArrayList<>();
        for (final String line : NamespaceLab.read(log).split("\n")) {
            if (line.startsWith("packet ")) {
                packets.add(HexFormat.of().parseHex(line.substring("packet ".length()).trim()));
            }
        }
        return packets;
    }

    /**
     * Every datagram 0..count-1 of {@link #udp} arrived once, in order, with the payload the sender made;
     * {@code at} is where the payload starts in what was captured (0 for a socket, after the headers for a
     * capture).
     */
    static void assertSequence(List<byte[]> arrived, int count, int at, int size) {
        assertEquals(count, arrived.size(), "datagrams that arrived");
        for (int i = 0; i < count; i++) {
            final byte[] p = arrived.get(i);
            final int seq = (p[at] & 0xFF) << 24 | (p[at + 1] & 0xFF) << 16 | (p[at + 2] & 0xFF) << 8 | p[at + 3] & 0xFF;
            assertEquals(i, seq, "in order");
            assertEquals(size, p.length - at);
            for (int j = 4; j < size; j++) {
                assertEquals((byte) (i + j), p[at + j], "payload byte " + j + " of datagram " + i);
            }
        }
    }

    /** Fetches a URL without a proxy (retrying while the server starts); prints the length and SHA-256. */
    static final String FETCH = String.join("\n",
        "import hashlib, sys, time, urllib.request",
        "opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))",
        "deadline = time.time() + 20",
        "while True:",
        "    try:",
        "        data = opener.open(sys.argv[1], timeout=10).read()",
        "        break",
        "    except OSError:",
        "        if time.time() > deadline:",
        "            raise",
        "        time.sleep(0.2)",
        "print(len(data), hashlib.sha256(data).hexdigest())");

    /** Turns transmit checksum offload off on the named devices (ETHTOOL_STXCSUM through SIOCETHTOOL). */
    private static final String NO_TX_CHECKSUM = String.join("\n",
        "import array, fcntl, socket, struct, sys",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "for name in sys.argv[1:]:",
        "    value = array.array('I', [0x17, 0])",
        "    fcntl.ioctl(s, 0x8946, struct.pack('16sP16x', name.encode(), value.buffer_info()[0]))");

    /**
     * Sends datagrams numbered 0..count-1 (4 bytes), the rest of each (i + j) & 0xFF, from the port after the
     * target's; prebuilt, to be fast.
     */
    private static final String SEND = String.join("\n",
        "import socket, struct, sys, time",
        "target = (sys.argv[1], int(sys.argv[2]))",
        "count, size, pause = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]) / 1e6",
        "messages = [struct.pack('!I', i) + bytes((i + j) & 0xFF for j in range(4, size)) for i in range(count)]",
        "s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)",
        "s.bind(('::' if ':' in sys.argv[1] else '0.0.0.0', target[1] + 1))  # the same datagrams every run",
        "for m in messages:",
        "    s.sendto(m, target)",
        "    if pause:",
        "        time.sleep(pause)");

    /**
     * Prints each IP packet for a UDP port that arrives at a device (a packet socket: the whole datagram with its
     * headers), with a socket bound to the port so that no Port Unreachable goes back; or, for device "socket",
     * what that socket receives. Ends after count packets or 3 s of silence.
     */
    private static final String CAPTURE = String.join("\n",
        "import socket, struct, sys",
        "iface, port, count, six = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == '6'",
        "sink = socket.socket(socket.AF_INET6 if six else socket.AF_INET, socket.SOCK_DGRAM)",
        "sink.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE: past rmem_max, as root",
        "sink.bind(('::' if six else '0.0.0.0', port))",
        "raw = sink",
        "if iface != 'socket':",
        "    raw = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86DD if six else 0x0800))",
        "    raw.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)",
        "    raw.bind((iface, 0))",
        "print('ready')",
        "raw.settimeout(3)",
        "got = 0",
        "while got < count:",
        "    try:",
        "        p = raw.recv(70000)",
        "    except socket.timeout:",
        "        break",
        "    if raw is not sink:",
        "        l3 = 40 if six else (p[0] & 15) * 4",
        "        if (p[6] if six else p[9]) != 17 or len(p) < l3 + 8 or struct.unpack('!H', p[l3 + 2:l3 + 4])[0] != port:",
        "            continue",
        "    print('packet', p.hex())",
        "    got += 1");

    /**
     * Counts the TCP packets to or from a port that arrive at a device (a packet socket) and prints how many and
     * the largest; ends 1.5 s after the last one, or after 20 s without any.
     */
    private static final String SEGMENTS = String.join("\n",
        "import socket, struct, sys, time",
        "iface, port, six = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '6'",
        "raw = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86DD if six else 0x0800))",
        "raw.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)",
        "raw.bind((iface, 0))",
        "print('ready')",
        "raw.settimeout(1.5)",
        "count = largest = 0",
        "give_up = time.monotonic() + 20",
        "while True:",
        "    try:",
        "        p = raw.recv(70000)",
        "    except socket.timeout:",
        "        if count or time.monotonic() > give_up:",
        "            break",
        "        continue",
        "    l3 = 40 if six else (p[0] & 15) * 4",
        "    if (p[6] if six else p[9]) != 6 or len(p) < l3 + 4 or port not in struct.unpack('!HH', p[l3:l3 + 4]):",
        "        continue",
        "    count += 1",
        "    largest = max(largest, len(p))",
        "print('segments', count, 'largest', largest)");
}
