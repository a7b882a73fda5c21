package io.xlat.tunio.tun;

import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.DeviceMetric;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static io.xlat.tunio.tun.LinuxNative.AF_UNIX;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_CLOEXEC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_NONBLOCK;
import static io.xlat.tunio.tun.LinuxNative.SOCK_SEQPACKET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UringQueue} over one end of a non-blocking {@code SOCK_SEQPACKET} pair (packet boundaries as on a TUN queue),
 * the other end a plain {@link FdQueue}: packets both ways, in order, across many rounds of the rings, without root.
 */
class UringQueueTest {

    private static final int DEPTH = 4;

    private FdQueue local;
    private UringQueue uring;
    private FdQueue peer;
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(70000));

    @BeforeEach
    void setUp() throws NativeException {
        UringTesting.requireIoUring();
        final int[] fds = new int[2];
        assertEquals(0, LIBC.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds));
        local = new FdQueue(fds[0], "pair-uring");
        uring = new UringQueue(local, DEPTH);
        peer = new FdQueue(fds[1], "pair-peer");
    }

    @AfterEach
    void tearDown() {
        if (uring != null) {
            uring.close();
            local.close();
            peer.close();
        }
    }

    @Test
    void shouldReadNothingWhenNoPacketWaits() {
        assertEquals(0, uring.read(buffer, 0, 2000));
        assertEquals(0, uring.awaitReadable(0));
    }

    @Test
    void shouldReadPacketsInTheOrderTheyArrivedAcrossManyRoundsOfTheSlots() {
        assertEquals(0, uring.read(buffer, 0, 2000)); // posts the reads
        int expected = 0;
        for (int round = 0; round < 50; round++) {
            final int batch = 1 + round % (2 * DEPTH); // more than the posted reads at times
            for (int i = 0; i < batch; i++) {
                buffer.putInt(100, round * 1000 + i);
                assertEquals(4 + i, peer.write(buffer, 100, 4 + i));
            }
            int got = 0;
            for (int spins = 0; got < batch && spins < 10_000; spins++) {
                final int n = uring.read(buffer, 1000, 2000);
                if (n > 0) {
                    assertEquals(4 + got, n, "one packet per read, its length");
                    assertEquals(round * 1000 + got, buffer.getInt(1000), "in order");
                    got++;
                    expected++;
                } else {
                    assertEquals(0, n);
                    uring.awaitReadable(10);
                }
            }
            assertEquals(batch, got, "round " + round);
        }
        assertTrue(expected > 0);
    }

    @Test
    void shouldWakeAWaitWhenAPacketArrives() {
        assertEquals(0, uring.awaitReadable(0));
        buffer.putInt(0, 42);
        peer.write(buffer, 0, 4);
        assertTrue(uring.awaitReadable(1000) > 0);
        assertEquals(4, uring.read(buffer, 100, 2000));
        assertEquals(42, buffer.getInt(100));
    }

    @Test
    @Timeout(10)
    void shouldComeBackFromIdleWaitsAtTheirTimeoutAndStillReadWhatArrivesLater() {
        assertEquals(0, uring.awaitReadable(20), "nothing came: the ring's timer ended the wait");
        assertEquals(0, uring.awaitReadable(20), "and the next one: the timer was armed again");
        buffer.putInt(0, 7);
        peer.write(buffer, 0, 4);
        assertTrue(uring.awaitReadable(1000) > 0);
        assertEquals(4, uring.read(buffer, 100, 2000));
        assertEquals(7, buffer.getInt(100));
    }

    @Test
    void shouldWriteInBatchesThatReachThePeerInOrderOnceFlushed() {
        for (int i = 0; i < 3 * DEPTH; i++) {
            buffer.putInt(0, i);
            assertEquals(4, uring.write(buffer, 0, 4), "a queued write returns its length");
        }
        uring.flush();
        for (int i = 0; i < 3 * DEPTH; i++) {
            assertEquals(4, peer.read(buffer, 200, 2000));
            assertEquals(i, buffer.getInt(200));
        }
        assertEquals(0, peer.read(buffer, 200, 2000));
        assertEquals(0, uring.writeErrors());
    }

    @Test
    void shouldWriteTheHeaderAndThePacketAsOne() {
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        VirtioNetHeader.write(header, 0, VirtioNetHeader.GSO_TCPV4, 40, 1400, 20, 16);
        buffer.putInt(0, 7);
        assertEquals(4, uring.writeWithHeader(header, buffer, 0, 4, null));
        uring.flush();
        assertEquals(VirtioNetHeader.LENGTH + 4, peer.read(buffer, 300, 2000));
        assertEquals(1400, VirtioNetHeader.gsoSize(buffer, 300));
        assertEquals(7, buffer.getInt(300 + VirtioNetHeader.LENGTH));
    }

    @Test
    void shouldCountAWriteTheKernelRefusesLaterAsAWriteError() {
        final DeviceCounters counters = new DeviceCounters();
        uring.reportInto(counters);
        peer.close(); // the peer is gone: the queued write fails with EPIPE when the kernel runs it
        assertEquals(4, uring.write(buffer, 0, 4), "optimistic: the failure comes later");
        uring.flush();
        assertEquals(1, uring.writeErrors());
        assertEquals(1, counters.get(DeviceMetric.WRITE_ERRORS));
        assertEquals(32, uring.lastWriteErrno(), "EPIPE");
    }
}
