package io.xlat.core.translate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MTU arithmetic, the ICMP error token bucket and the IPv4 Identification generator. */
class SupportTest {
    private static final int[] PLATEAUS = io.xlat.core.config.TranslatorConfig.DEFAULT_MTU_PLATEAUS;

    @Test
    void shouldPickTheGreatestPlateauBelowTheTotalLength() {
        final MtuMath math = new MtuMath(PLATEAUS, 1500, 1500);
        assertEquals(1492, math.plateauBelow(1500));
        assertEquals(1006, math.plateauBelow(1492));
        assertEquals(508, math.plateauBelow(1006));
        assertEquals(68, math.plateauBelow(68), "nothing below the IPv4 minimum");
    }

    @Test
    void shouldTakeTheMinimumOfTheThreeMtus46() {
        final MtuMath math = new MtuMath(PLATEAUS, 1400, 9000);
        assertEquals(1420, math.packetTooBigMtu46(8000, 1500, false), "ipv4-mtu + 20 is the smallest");
        assertEquals(1320, math.packetTooBigMtu46(1300, 1500, false), "advertised + 20");
        assertEquals(1328, math.packetTooBigMtu46(1300, 1500, true), "+28 when the packet had a Fragment header");
        assertEquals(1492 + 20, new MtuMath(PLATEAUS, 9000, 9000).packetTooBigMtu46(0, 1500, false), "plateau");
    }

    @Test
    void shouldTakeTheMinimumOfTheThreeMtus64() {
        final MtuMath math = new MtuMath(PLATEAUS, 1400, 1500);
        assertEquals(1280, math.fragmentationNeededMtu64(1300, false));
        assertEquals(1272, math.fragmentationNeededMtu64(1300, true), "28 with a Fragment header in the packet in error");
        assertEquals(1400, math.fragmentationNeededMtu64(9000, false), "ipv4-mtu");
        assertEquals(1480, new MtuMath(PLATEAUS, 9000, 1500).fragmentationNeededMtu64(9000, false), "ipv6-mtu - 20");
        assertEquals(0xFFFF, new MtuMath(PLATEAUS, 100_000, 100_000).fragmentationNeededMtu64(1L << 31, false), "16-bit field");
    }

    @Test
    void shouldAllowABurstOfOneSecondThenRefillWithTime() {
        final TokenBucket bucket = new TokenBucket(10);
        long now = 5_000_000_000L;
        for (int i = 0; i < 10; i++) {
            assertTrue(bucket.tryAcquire(now));
        }
        assertFalse(bucket.tryAcquire(now));
        now += 100_000_000L; // 0.1 s = one token
        assertTrue(bucket.tryAcquire(now));
        assertFalse(bucket.tryAcquire(now));
        assertFalse(bucket.tryAcquire(now - 1_000_000_000L), "time going backwards adds nothing");
        final long earlier = now - 60_000_000_000L;
        assertTrue(bucket.tryAcquire(earlier), "a clock a minute back starts from an empty bucket, not a refusal");
        assertFalse(bucket.tryAcquire(earlier));
        assertTrue(bucket.tryAcquire(earlier + 100_000_000L), "and refills from there");
    }

    @Test
    void shouldGrantOneSecondsBurstOnceWhenWorkersShareTheBucket() throws InterruptedException {
        final TokenBucket bucket = new TokenBucket(50);
        final long now = 7_000_000_000L;
        final java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        final Thread[] workers = new Thread[4];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    if (bucket.tryAcquire(now)) {
                        granted.incrementAndGet();
                    }
                }
            });
            workers[w].start();
        }
        go.countDown();
        for (final Thread worker : workers) {
            worker.join();
        }
        assertEquals(50, granted.get(), "the rate is the process's, not one per worker");
    }

    @Test
    void shouldNeverSendWhenRateIsZero() {
        assertFalse(new TokenBucket(0).tryAcquire(1));
    }

    @Test
    void shouldGiveDeterministicIdsForAKeyAndSpreadThemOverDestinations() {
        final IdentificationGenerator a = new IdentificationGenerator(0, 0);
        final IdentificationGenerator b = new IdentificationGenerator(0, 0);
        assertEquals(a.next(1, 2), b.next(1, 2));
        assertEquals(a.next(1, 2), b.next(1, 2));
        assertNotEquals(new IdentificationGenerator(0, 0).next(1, 2), new IdentificationGenerator(0, 0).next(1, 3));
        assertNotEquals(new IdentificationGenerator(0, 0).next(1, 2), new IdentificationGenerator(99, 0).next(1, 2));
        final IdentificationGenerator c = new IdentificationGenerator(0, 0);
        final int first = c.next(7, 8);
        assertEquals((first + 1) & 0xFFFF, c.next(7, 8), "same pair: consecutive");
    }
}
