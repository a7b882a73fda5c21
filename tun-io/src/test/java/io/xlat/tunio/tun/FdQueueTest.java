package io.xlat.tunio.tun;

import io.xlat.tunio.testing.Allocations;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.xlat.tunio.tun.LinuxNative.AF_UNIX;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_CLOEXEC;
import static io.xlat.tunio.tun.LinuxNative.SOCK_NONBLOCK;
import static io.xlat.tunio.tun.LinuxNative.SOCK_SEQPACKET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native read/write/poll path of {@link FdQueue}, without root: a non-blocking {@code SOCK_SEQPACKET} socket
 * pair keeps packet boundaries as a TUN queue does.
 */
class FdQueueTest {

    private FdQueue a;
    private FdQueue b;
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

    @BeforeEach
    void setUp() {
        final int[] fds = new int[2];
        assertEquals(0, LIBC.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds),
            () -> "socketpair: " + LinuxNative.describe(LinuxNative.errno()));
        a = new FdQueue(fds[0], "pair-a");
        b = new FdQueue(fds[1], "pair-b");
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
    }

    @Test
    void shouldReadOnePacketPerCallWithItsBoundaries() {
        buffer.putBytes(100, new byte[] {1, 2, 3});
        assertEquals(3, a.write(buffer, 100, 3));
        buffer.putBytes(200, new byte[] {4, 5, 6, 7, 8});
        assertEquals(5, a.write(buffer, 200, 5));

        assertEquals(3, b.read(buffer, 1000, 2000));
        final byte[] first = new byte[3];
        buffer.getBytes(1000, first);
        assertArrayEquals(new byte[] {1, 2, 3}, first);
        assertEquals(5, b.read(buffer, 1000, 2000));
    }

    @Test
    void shouldReturnZeroWhenNoPacketIsWaiting() {
        assertEquals(0, b.read(buffer, 0, 100));
    }

    @Test
    void shouldWaitForReadabilityWithATimeout() {
        assertEquals(0, b.awaitReadable(1), "nothing to read: timeout");
        a.write(buffer, 0, 10);
        assertTrue(b.awaitReadable(1000) > 0);
    }

    @Test
    void shouldReportAnErrorWhenThePeerIsGone() {
        a.close();
        assertTrue(b.awaitReadable(1000) < 0, "hang-up is an error for a queue");
        assertEquals(0, b.read(buffer, 0, 100), "a closed stream socket reads as end of data");
        assertEquals(-LinuxNative.EBADF, a.read(buffer, 0, 100), "a closed descriptor");
    }

    @Test
    void shouldWritePacketsFromHeapBuffersThroughAStagingCopy() {
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[] {9, 8, 7, 6});
        assertEquals(3, a.write(heap, 1, 3));
        assertEquals(3, b.read(buffer, 0, 100));
        assertEquals(8, buffer.getByte(0));
        assertEquals(6, buffer.getByte(2));
    }

    @Test
    void shouldRefuseToReadIntoAHeapBufferOrPastTheEnd() {
        assertThrows(IllegalArgumentException.class, () -> b.read(new UnsafeBuffer(new byte[64]), 0, 64));
        assertThrows(IndexOutOfBoundsException.class, () -> b.read(buffer, 4000, 200));
    }

    @Test
    void shouldNotAllocateWhenReadingAndWriting() {
        Allocations.assertEventuallyAllocatesNothing("20,000 native write/poll/read/read rounds", 20, () -> {
            for (int i = 0; i < 20_000; i++) {
                assertEquals(1500, a.write(buffer, 0, 1500));
                b.awaitReadable(0);
                assertEquals(1500, b.read(buffer, 2048, 2048));
                assertEquals(0, b.read(buffer, 2048, 2048)); // EAGAIN
            }
        });
    }

    @Test
    void shouldCloseOnce() {
        a.close();
        a.close();
        assertTrue(a.isClosed());
    }
}
