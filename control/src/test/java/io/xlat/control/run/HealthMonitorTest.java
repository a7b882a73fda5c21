package io.xlat.control.run;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthMonitorTest {

    private final StringWriter logged = new StringWriter();
    private final RunLog log = new RunLog(new PrintWriter(logged, true), false);
    private final List<Boolean> verdicts = new ArrayList<>();
    private String problem;

    private HealthMonitor monitor() {
        return new HealthMonitor(List.of(() -> null, () -> problem), verdicts::add, log);
    }

    @Test
    void shouldReportAWorkerWhoseHeartbeatStopsMovingAsStalled() {
        final long[] beats = {0, 0};
        final long[] now = {0};
        final HealthMonitor.Check check = HealthMonitor.workersBeating("xlat0", 2, w -> beats[w], 500, () -> now[0]);
        assertNull(check.problem(), "first look: nothing to compare with");
        now[0] = 400_000_000L;
        beats[0]++;
        assertNull(check.problem(), "worker 1 quiet for 400 ms: not yet");
        now[0] = 600_000_000L;
        beats[0]++;
        assertEquals("1 of 2 workers of xlat0 stalled (no progress for 500 ms)", check.problem());
        beats[1]++;
        assertNull(check.problem(), "moving again: healthy");
        now[0] = 1_200_000_000L;
        assertEquals("2 of 2 workers of xlat0 stalled (no progress for 500 ms)", check.problem());
    }

    @Test
    void shouldReportUnhealthyAfterTwoFailingPollsAndNotAfterOne() {
        final HealthMonitor monitor = monitor();
        assertTrue(monitor.poll());
        problem = "device xlat0 is gone";
        assertTrue(monitor.poll());
        assertEquals(List.of(), verdicts);
        assertFalse(monitor.poll());
        assertEquals(List.of(Boolean.FALSE), verdicts);
        assertFalse(monitor.poll());
        assertEquals(List.of(Boolean.FALSE), verdicts);
        assertTrue(logged.toString().contains("device xlat0 is gone"));
    }

    @Test
    void shouldReportHealthyAgainOnTheFirstPassingPoll() {
        final HealthMonitor monitor = monitor();
        problem = "1 of 1 workers on xlat0 have stopped";
        monitor.poll();
        monitor.poll();
        problem = null;
        assertTrue(monitor.poll());
        assertEquals(List.of(Boolean.FALSE, Boolean.TRUE), verdicts);
    }

    @Test
    void shouldNotCountAFailureThatRecoveredBeforeTheNextPoll() {
        final HealthMonitor monitor = monitor();
        problem = "device xlat0 is down";
        monitor.poll();
        problem = null;
        monitor.poll();
        problem = "device xlat0 is down";
        monitor.poll();
        assertEquals(List.of(), verdicts);
    }

    @Test
    void shouldSeeTheLoopbackUpAndAMissingDeviceGone() {
        assertNull(HealthMonitor.deviceUp("lo").problem());
        assertEquals("device xlat-nosuch0 is down or gone", HealthMonitor.deviceUp("xlat-nosuch0").problem());
    }

    @Test
    void shouldCountWorkerThreadsByTheirAgentName() throws InterruptedException {
        final Object gate = new Object();
        final Thread worker = new Thread(() -> {
            synchronized (gate) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "xlat-hmtest0-q0");
        worker.setDaemon(true);
        worker.start();
        assertNull(HealthMonitor.workersAlive("hmtest0", 1).problem());
        assertEquals("1 of 2 workers on hmtest0 have stopped", HealthMonitor.workersAlive("hmtest0", 2).problem());
        worker.interrupt();
        worker.join(2_000);
        assertEquals("1 of 1 workers on hmtest0 have stopped", HealthMonitor.workersAlive("hmtest0", 1).problem());
    }
}
