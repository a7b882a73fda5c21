package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
 * kernel cuts them into datagrams. The links out of the translator namespace segment on egress
 * ({@link Traffic#segmentOnEgress}: below any super-packet of {@link #BURST}-byte datagrams), as before a NIC without
 * UDP segmentation, so that a capture on the far side sees the datagrams themselves with their real checksums, not
 * the super-packets a veth would pass on whole. The paced flow of 64-byte datagrams is counted by its receiving
 * socket.
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
        Traffic.segmentOnEgress(siit.lab, siit.nsx, "v6x", "v4x");
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

        final List<byte[]> arrived = Traffic.udp(siit.lab, siit.ns4, SERVER_V4, siit.ns6, "socket", 6, 5500, 2000,
            SMALL, 300);

        Traffic.assertSequence(arrived, 2000, 0, SMALL);
    }

    @Test
    void shouldDeliverACoalescedBurstFromIpv4ByteForByteAsWithoutCoalescing() throws Exception {
        final Process without = startXlat(false);
        final List<byte[]> expected = Traffic.udp(siit.lab, siit.ns4, SERVER_V4, siit.ns6,
            "v6h", 6, 5600, 300, BURST, 0);
        NamespaceLab.stop(without, 10_000);
        startXlat(true);

        final List<byte[]> arrived = Traffic.udp(siit.lab, siit.ns4, SERVER_V4, siit.ns6,
            "v6h", 6, 5600, 300, BURST, 0);

        assertSomeCoalesced();
        Traffic.assertSequence(arrived, 300, 48, BURST);
        assertEquals(expected.size(), arrived.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), arrived.get(i), "datagram " + i + " as the packet-by-packet path");
            assertTrue(transportChecksumValid6(arrived.get(i)), "UDP checksum of datagram " + i);
        }
    }

    @Test
    void shouldDeliverACoalescedBurstFromIpv6WithTheTranslatorsIdentificationsAndChecksums() throws Exception {
        startXlat(true);

        final List<byte[]> arrived = Traffic.udp(siit.lab, siit.ns6, CLIENT_AS_V6, siit.ns4,
            "v4h", 4, 5700, 300, BURST, 0);

        assertSomeCoalesced();
        Traffic.assertSequence(arrived, 300, 28, BURST);
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
}
