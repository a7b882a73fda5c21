package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.xlat.control.run.SiitLab.CLIENT_AS_V6;
import static io.xlat.control.run.SiitLab.SERVER_V4;
import static io.xlat.control.run.SiitLab.XLAT_V4;
import static io.xlat.control.run.SiitLab.XLAT_V6;
import static io.xlat.core.testing.Packets.headerChecksumValid4;
import static io.xlat.core.testing.Packets.transportChecksumValid4;
import static io.xlat.core.testing.Packets.transportChecksumValid6;
import static io.xlat.core.testing.Packets.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coalescing on write ({@code --coalesce}) through the kernel: xlat writes UDP super-packets into xlat0 and the
 * kernel cuts them into datagrams. The links out of the translator namespace get a gso_max_size (200, the least
 * iproute2 takes) below any super-packet of {@link #BURST}-byte datagrams, so that the kernel cuts them there (as
 * before a NIC without UDP segmentation) and a capture on the far side sees the datagrams themselves, not the
 * super-packets a veth would pass on whole; and no transmit checksum offload, so that the kernel completes each
 * datagram's checksum before the capture (a veth would pass the partial one on, for the receiver to trust). The
 * paced flow of 64-byte datagrams is counted by its receiving socket.
 */
class SiitCoalesceIT {

    private static final int SMALL = 64;
    /** Two of these with their headers are more than the links' gso_max_size. */
    private static final int BURST = 100;
    private SiitLab siit;

    @BeforeEach
    void startTopology() throws Exception {
        NamespaceLab.requireRoot("python3", "ping");
        siit = new SiitLab("xcoal", 1520, 1520);
        for (final String link : new String[] {"v6x", "v4x"}) {
            siit.lab.run("ip", "-n", siit.nsx, "link", "set", link, "gso_max_size", "200");
        }
        siit.lab.in(siit.nsx, "python3", "-c", NO_TX_CHECKSUM, "v6x", "v4x");
    }

    @AfterEach
    void deleteTopology() {
        if (siit != null) {
            siit.close();
        }
    }

    private Process startXlat(boolean coalesce) throws Exception {
        final Process p = siit.startXlat("--tun", SiitLab.DEVICE, "--prefix", "2001:db8:64::/96", "--ipv4-address",
            XLAT_V4, "--ipv6-address", XLAT_V6, "--counters-file", siit.countersFile.toString(), "--workers", "1",
            "--offload", coalesce ? "--coalesce" : "--no-coalesce");
        siit.routesIntoDevice();
        // the warm-up's scratch worker competes for the cores with the receivers: let it finish first
        NamespaceLab.await("the warm-up", 30_000, () -> siit.log().contains("warm-up: "));
        // the neighbours resolved both ways: a burst into an unresolved one would wait in its queue, of which
        // unres_qlen_bytes holds about 256 small packets (and more of them coalesced): the rest would be lost
        siit.lab.in(siit.ns4, "ping", "-c", "1", "-W", "5", SERVER_V4);
        siit.lab.in(siit.ns6, "ping", "-c", "1", "-W", "5", CLIENT_AS_V6);
        return p;
    }

    @Test
    void shouldDeliverAPacedFlowOfSmallDatagramsCompleteAndInOrder() throws Exception {
        startXlat(true);
        assertTrue(siit.log().contains("udp coalescing on"), siit.log());

        final List<byte[]> arrived = send(siit.ns4, SERVER_V4, siit.ns6, "socket", 6, 5500, 2000, SMALL, 300);

        assertSequence(arrived, 2000, 0, SMALL);
    }

    @Test
    void shouldDeliverACoalescedBurstFromIpv4ByteForByteAsWithoutCoalescing() throws Exception {
        final Process without = startXlat(false);
        final List<byte[]> expected = send(siit.ns4, SERVER_V4, siit.ns6, "v6h", 6, 5600, 300, BURST, 0);
        NamespaceLab.stop(without, 10_000);
        startXlat(true);

        final List<byte[]> arrived = send(siit.ns4, SERVER_V4, siit.ns6, "v6h", 6, 5600, 300, BURST, 0);

        assertSomeCoalesced();
        assertSequence(arrived, 300, 48, BURST);
        assertEquals(expected.size(), arrived.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), arrived.get(i), "datagram " + i + " as the packet-by-packet path");
            assertTrue(transportChecksumValid6(arrived.get(i)), "UDP checksum of datagram " + i);
        }
    }

    @Test
    void shouldDeliverACoalescedBurstFromIpv6WithTheTranslatorsIdentificationsAndChecksums() throws Exception {
        startXlat(true);

        final List<byte[]> arrived = send(siit.ns6, CLIENT_AS_V6, siit.ns4, "v4h", 4, 5700, 300, BURST, 0);

        assertSomeCoalesced();
        assertSequence(arrived, 300, 28, BURST);
        for (int i = 0; i < arrived.size(); i++) {
            final byte[] p = arrived.get(i);
            assertTrue(headerChecksumValid4(p) && transportChecksumValid4(p), "checksums of datagram " + i);
            assertEquals(20 + 8 + BURST, p.length);
            if (i > 0) {
                // the translator's generator counts up per datagram of the flow; the kernel's segments must too
                assertEquals((u16(arrived.get(i - 1), 4) + 1) & 0xFFFF, u16(p, 4), "Identification of " + i);
            }
        }
    }

    /** xlat0's counters say that some datagrams went out in super-packets (and how many, on the console). */
    private void assertSomeCoalesced() {
        final String stats = NamespaceLab.stats(siit.countersFile);
        final long coalesced = NamespaceLab.counter(stats, SiitLab.DEVICE, "tx-coalesced");
        System.out.println("coalesced " + coalesced + " of " + NamespaceLab.counter(stats, SiitLab.DEVICE,
            "tx-packets") + " datagrams");
        assertTrue(coalesced > 0, "some were coalesced:\n" + stats);
    }

    /** Every datagram 0..count-1 arrived once, in order, with the payload the sender made behind its headers. */
    private static void assertSequence(List<byte[]> arrived, int count, int at, int size) {
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

    /**
     * Captures what arrives at {@code iface} in {@code captureNs} for {@code port} while {@code sendNs} sends
     * {@code count} datagrams of {@code size} bytes to {@code target}, {@code pauseMicros} apart (0: as fast as
     * it can); returns the IP packets in the order they arrived, or with {@code iface} "socket" the payloads the
     * receiving socket got.
     */
    private List<byte[]> send(String sendNs, String target, String captureNs, String iface, int family, int port,
        int count, int size, int pauseMicros) throws Exception {
        final Path log = siit.lab.dir.resolve("capture-" + port + "-" + System.nanoTime() + ".log");
        final Process capture = siit.lab.start(captureNs, log, "python3", "-u", "-c", CAPTURE, iface,
            Integer.toString(port), Integer.toString(count), Integer.toString(family));
        NamespaceLab.await("the capture to start (" + log + ")", 10_000,
            () -> !capture.isAlive() || SiitLab.read(log).contains("ready"));
        final NamespaceLab.Result sent = siit.lab.execIn(sendNs, 30_000, "python3", "-c", SEND, target,
            Integer.toString(port), Integer.toString(count), Integer.toString(size), Integer.toString(pauseMicros));
        assertEquals(0, sent.exitCode(), sent.output());
        assertTrue(capture.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the capture ended");
        final List<byte[]> packets = new ArrayList<>();
        for (final String line : SiitLab.read(log).split("\n")) {
            if (line.startsWith("packet ")) {
                packets.add(HexFormat.of().parseHex(line.substring("packet ".length()).trim()));
            }
        }
        return packets;
    }

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
}
