package io.xlat.tunio.tun;

import io.xlat.tunio.testing.Allocations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ring arithmetic of {@link IoUring} against the kernel's, without root: no-op requests go round the rings many
 * times, so the free-running indexes wrap their masks and every completion must come back once, in order.
 */
class IoUringTest {

    private IoUring ring;

    @BeforeEach
    void setUp() throws NativeException {
        UringTesting.requireIoUring();
        ring = IoUring.open(8);
    }

    @AfterEach
    void tearDown() {
        if (ring != null) {
            ring.close();
        }
    }

    @Test
    void shouldRoundTheSetupSizeUpToAPowerOfTwoAndStartEmpty() {
        assertEquals(8, ring.entries());
        assertEquals(8, ring.free());
        assertEquals(0, ring.ready());
        assertEquals(0, ring.unsubmitted());
    }

    @Test
    void shouldRefuseToPrepareMoreThanTheRingHoldsUntilTheKernelConsumesThem() {
        for (int i = 0; i < 8; i++) {
            assertTrue(ring.prepare(IoUring.OP_NOP, -1, 0, 0, 0, i));
        }
        assertFalse(ring.prepare(IoUring.OP_NOP, -1, 0, 0, 0, 99), "the ring is full");

        assertEquals(8, ring.submit(8, IoUring.ENTER_GETEVENTS));
        assertEquals(8, ring.free(), "consumed entries are free again");
        assertEquals(8, ring.ready());
        ring.advance(8);
    }

    @Test
    void shouldReturnEveryCompletionOnceAndInOrderAcrossManyWrapsOfTheRings() {
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 100; round++) {
            final int batch = 1 + round % 8; // uneven batches, so that the indexes wrap mid-batch
            for (int i = 0; i < batch; i++) {
                assertTrue(ring.prepare(IoUring.OP_NOP, -1, 0, 0, 0, next++));
            }
            assertEquals(batch, ring.submit(batch, IoUring.ENTER_GETEVENTS));
            final int ready = ring.ready();
            assertEquals(batch, ready);
            for (int i = 0; i < ready; i++) {
                assertEquals(expected++, ring.userData(i));
                assertEquals(0, ring.result(i), "a no-op succeeds");
            }
            ring.advance(ready);
            assertEquals(0, ring.ready());
        }
        assertEquals(next, expected);
    }

    @Test
    @Timeout(10)
    void shouldEndAWaitOnTheRingsOwnTimerWhenNothingElseCompletesAndArmItAgainForTheNext() {
        for (int wait = 0; wait < 2; wait++) {
            // a wait may also end early (a signal to the thread): waiting again waits for the same timer
            int submitted = 0;
            while (ring.ready() == 0) {
                final int n = ring.submitAndWait(20);
                assertTrue(n >= 0, "errno " + -n);
                submitted += n;
            }
            assertEquals(1, submitted, "one timer went in for this wait");
            assertEquals(1, ring.ready());
            assertEquals(IoUring.TIMER, ring.userData(0));
            assertEquals(-62, ring.result(0), "ETIME: time ran out");
            ring.timerFired();
            ring.advance(1);
        }
    }

    @Test
    void shouldSubmitAndWaitWithoutAllocating() {
        Allocations.assertEventuallyAllocatesNothing("10,000 submits and timed waits of a no-op", 20, () -> {
            for (int i = 0; i < 5_000; i++) {
                ring.prepare(IoUring.OP_NOP, -1, 0, 0, 0, i);
                ring.submit(1, IoUring.ENTER_GETEVENTS);
                ring.advance(ring.ready());
                ring.prepare(IoUring.OP_NOP, -1, 0, 0, 0, i);
                ring.submitAndWait(10);
                ring.advance(ring.ready());
            }
        });
    }

    @Test
    void shouldSayWhyIoUringIsRefusedWhenTheKernelSaysEperm() {
        assertTrue(IoUring.disabledHint(LinuxNative.ENOSYS).contains("no io_uring"));
        assertEquals("", IoUring.disabledHint(LinuxNative.EINVAL));
    }
}
