package io.xlat.tunio.dataplane;

import io.xlat.tunio.tun.NativeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the data plane asks a device and its workers for health, without root: the loopback device stands for a
 * device xlat holds, and plain threads for its workers.
 */
class DataplaneHealthTest {

    @Test
    void shouldSeeAHeldDeviceUpAndAMissingOneGone() throws NativeException {
        final int lo = Dataplane.ifindex("lo", null);
        assertTrue(lo > 0);
        assertNull(Dataplane.deviceProblem("lo", null, lo, () -> true));
        assertEquals("device xlat-nosuch0 is gone", Dataplane.deviceProblem("xlat-nosuch0", null, 7, () -> true));
    }

    @Test
    void shouldTellADeviceThatIsDownFromOneReplacedUnderItsName() throws NativeException {
        final int lo = Dataplane.ifindex("lo", null);
        assertEquals("device lo is down", Dataplane.deviceProblem("lo", null, lo, () -> false));
        assertEquals("device lo was deleted and another took its name (re-attaching)",
            Dataplane.deviceProblem("lo", null, lo + 1000, () -> true));
        assertTrue(Dataplane.deviceProblem("lo", null, lo, () -> {
            throw new NativeException("SIOCGIFFLAGS failed", 19);
        }).startsWith("device lo is gone ("), "a link query that fails is a device gone");
    }

    @Test
    void shouldCountWorkerThreadsThatStopped() throws InterruptedException {
        final Object gate = new Object();
        final Thread worker = new Thread(() -> {
            synchronized (gate) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "xlat-worker-0");
        worker.setDaemon(true);
        worker.start();
        final Thread never = new Thread(() -> { }, "xlat-worker-1");
        assertNull(Dataplane.workersProblem("hmtest0", new Thread[] {worker}));
        assertEquals("1 of 2 workers on hmtest0 have stopped",
            Dataplane.workersProblem("hmtest0", new Thread[] {worker, never}));
        worker.interrupt();
        worker.join(2_000);
        assertEquals("1 of 1 workers on hmtest0 have stopped", Dataplane.workersProblem("hmtest0",
            new Thread[] {worker}));
    }

    @Test
    void shouldKeepASnapshotApartFromWhatItWasBuiltFrom() {
        final long[] beats = {1, 2};
        final DataplaneHealth health = new DataplaneHealth(null, java.util.Map.of(), beats);
        beats[0] = 99;
        assertEquals(1, health.heartbeat(0));
        assertEquals(2, health.workers());
    }
}
