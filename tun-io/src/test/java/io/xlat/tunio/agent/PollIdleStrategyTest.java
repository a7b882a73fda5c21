package io.xlat.tunio.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollIdleStrategyTest {

    /** The manual clock: each wait takes {@link #waitNanos}. */
    private long now;
    private long waitNanos = 1_000_000L;
    private int waits;
    private int waitResult = 1;
    private final PollIdleStrategy idle = new PollIdleStrategy(timeout -> {
        waits++;
        now += waitNanos;
        return waitResult;
    }, () -> now, 8, 1);

    @Test
    void shouldWaitInPollAfterTheFirstEmptyRoundWhenPacketsComeRarely() {
        idle.idle(1);
        idle.idle(0);
        assertEquals(1, waits, "no spin: the first empty round already sleeps");
        idle.idle(1);
        idle.idle(0);
        assertEquals(2, waits);
        assertEquals(0, idle.spinBudget());
    }

    @Test
    void shouldLearnToSpinWhenTheNextPacketFollowsClosely() {
        waitNanos = 10_000L;
        idle.idle(0);
        assertEquals(1, idle.spinBudget(), "a short wait: spinning would have caught the packet");
        idle.idle(1);
        idle.idle(0);
        assertEquals(1, waits, "the next empty round spins instead of waiting");
        idle.idle(0);
        assertEquals(2, waits);
        assertEquals(1, idle.spinBudget(), "halved for the wasted spin, doubled for the short wait");
        for (int i = 0; i < 40; i++) {
            idle.idle(0);
        }
        assertEquals(8, idle.spinBudget(), "never above the most spins allowed");
    }

    @Test
    void shouldNeverWaitWhileSpinningCatchesEveryPacket() {
        waitNanos = 10_000L;
        for (int i = 0; i < 4; i++) {
            idle.idle(0);
        }
        final int budget = idle.spinBudget();
        final int before = waits;
        for (int i = 0; i < 100; i++) {
            idle.idle(1);
            idle.idle(0);
        }
        assertEquals(before, waits, "a steady stream is caught by the spin: no wake-up");
        assertEquals(budget, idle.spinBudget());
    }

    @Test
    void shouldSpinLessOnceTheQueueGoesQuiet() {
        waitNanos = 10_000L;
        for (int i = 0; i < 40; i++) {
            idle.idle(0);
        }
        assertEquals(8, idle.spinBudget());
        waitNanos = 5_000_000L;
        idle.idle(1);
        for (int i = 0; i < 9; i++) {
            idle.idle(0);
        }
        assertEquals(4, idle.spinBudget(), "the spin found nothing: half as long next time");
        idle.idle(1);
        for (int i = 0; i < 5; i++) {
            idle.idle(0);
        }
        assertEquals(2, idle.spinBudget());
    }

    @Test
    void shouldSleepRatherThanSpinOnABrokenQueue() {
        waitResult = -5;
        final long start = System.nanoTime();
        idle.idle(0);
        idle.idle(0);
        assertEquals(2, waits);
        assertTrue(System.nanoTime() - start >= 2_000_000L, "parked the poll timeout (1 ms) after each failed poll");
        assertEquals(0, idle.spinBudget(), "a failed wait teaches nothing");
    }
}
