package io.xlat.tunio.tun;

import io.xlat.tunio.testing.Allocations;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.xlat.tunio.tun.LinuxNative.AF_UNIX;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_CLOEXEC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_NONBLOCK;
import static io.xlat.tunio.tun.LinuxNative.SOCK_SEQPACKET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One poll(2) over several queues, without root: two {@code SOCK_SEQPACKET} socket pairs stand for two devices'
 * queues; the worker's side of each is in the set, the other side plays the kernel.
 */
class PollSetTest {

    private FdQueue first;
    private FdQueue firstPeer;
    private FdQueue second;
    private FdQueue secondPeer;
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));

    private static FdQueue[] pair(String name) {
        final int[] fds = new int[2];
        assertEquals(0, LIBC.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds),
            () -> "socketpair: " + LinuxNative.describe(LinuxNative.errno()));
        return new FdQueue[] {new FdQueue(fds[0], name), new FdQueue(fds[1], name + "-peer")};
    }

    @BeforeEach
    void setUp() {
        final FdQueue[] a = pair("first");
        final FdQueue[] b = pair("second");
        first = a[0];
        firstPeer = a[1];
        second = b[0];
        secondPeer = b[1];
    }

    @AfterEach
    void tearDown() {
        first.close();
        firstPeer.close();
        second.close();
        secondPeer.close();
    }

    @Test
    void shouldTimeOutWhenNoQueueOfTheSetHasAPacket() {
        final PollSet set = PollSet.of(List.of(first, second));
        assertEquals(2, set.size());
        assertEquals(0, set.await(1));
    }

    @Test
    void shouldWakeForAPacketOnAnyQueueOfTheSetNotOnlyTheFirst() {
        final PollSet set = PollSet.of(List.of(first, second));
        assertEquals(20, secondPeer.write(buffer, 0, 20));
        assertTrue(set.await(1_000) > 0, "a packet on the second queue wakes the wait");
        assertEquals(20, second.read(buffer, 0, 64));
        assertEquals(0, set.await(1), "drained: waits again");
    }

    @Test
    void shouldReportABrokenQueueOnceAndThenSleepOnTheOthers() {
        final PollSet set = PollSet.of(List.of(first, second));
        firstPeer.close();
        assertTrue(set.await(1_000) < 0, "the hung-up queue is reported");
        final long start = System.nanoTime();
        assertEquals(0, set.await(20), "then left out: the wait sleeps its timeout instead of returning at once");
        assertTrue(System.nanoTime() - start >= 15_000_000L, "slept about the timeout");
        assertEquals(20, secondPeer.write(buffer, 0, 20));
        assertTrue(set.await(1_000) > 0, "the other queue still wakes it");
    }

    @Test
    void shouldAllocateNothingPerWait() {
        final PollSet set = PollSet.of(List.of(first, second));
        Allocations.assertEventuallyAllocatesNothing("poll over two queues", 20, () -> {
            for (int i = 0; i < 1_000; i++) {
                set.await(0);
            }
        });
    }
}
