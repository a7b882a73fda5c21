package io.xlat.tunio.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollIdleStrategyTest {

    private final FakeQueue queue = new FakeQueue();
    private final PollIdleStrategy idle = new PollIdleStrategy(queue::awaitReadable, 3, 2, 1);

    @Test
    void shouldSpinThenYieldThenWaitInPollWhenIdle() {
        for (int i = 0; i < 5; i++) {
            idle.idle(0);
        }
        assertEquals(0, queue.awaitCalls, "spins and yields make no system call");
        idle.idle(0);
        idle.idle(0);
        assertEquals(2, queue.awaitCalls, "then every idle round waits in poll");
    }

    @Test
    void shouldStartOverAfterWork() {
        for (int i = 0; i < 6; i++) {
            idle.idle(0);
        }
        assertEquals(1, queue.awaitCalls);
        idle.idle(1);
        for (int i = 0; i < 5; i++) {
            idle.idle(0);
        }
        assertEquals(1, queue.awaitCalls, "busy again: back to spinning");
    }

    @Test
    void shouldSleepRatherThanSpinOnABrokenQueue() {
        queue.awaitResult = -5;
        for (int i = 0; i < 5; i++) {
            idle.idle(0);
        }
        final long start = System.nanoTime();
        idle.idle(0);
        idle.idle(0);
        assertEquals(2, queue.awaitCalls);
        assertTrue(System.nanoTime() - start >= 1_000_000L, "parked the poll timeout (1 ms) after a failed poll");
    }
}
