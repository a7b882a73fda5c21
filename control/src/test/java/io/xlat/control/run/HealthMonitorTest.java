package io.xlat.control.run;

import io.xlat.tunio.dataplane.DataplaneHealth;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The health poll: two failed polls withdraw, one passing poll announces again; stalled workers count too. */
class HealthMonitorTest {

    private final StringWriter logged = new StringWriter();
    private final RunLog log = new RunLog(new PrintWriter(logged, true), false);
    private final List<Boolean> verdicts = new ArrayList<>();
    private String problem;

    private HealthMonitor monitor() {
        return new HealthMonitor(() -> new DataplaneHealth(problem, Map.of(), new long[0]), "xlat0", () -> 0,
            verdicts::add, down -> { }, log);
    }

    @Test
    void shouldReportAWorkerWhoseHeartbeatStopsMovingAsStalled() {
        final long[] beats = {0, 0};
        final long[] now = {0};
        final HealthMonitor.Stalls stalls = new HealthMonitor.Stalls("xlat0", 500, () -> now[0]);
        final Supplier<String> check = () -> stalls.problem(new DataplaneHealth(null, Map.of(), beats));
        assertNull(check.get(), "first look: nothing to compare with");
        now[0] = 400_000_000L;
        beats[0]++;
        assertNull(check.get(), "worker 1 quiet for 400 ms: not yet");
        now[0] = 600_000_000L;
        beats[0]++;
        assertEquals("1 of 2 workers of xlat0 stalled (no progress for 500 ms)", check.get());
        beats[1]++;
        assertNull(check.get(), "moving again: healthy");
        now[0] = 1_200_000_000L;
        assertEquals("2 of 2 workers of xlat0 stalled (no progress for 500 ms)", check.get());
    }

    @Test
    void shouldRepairBeforeEachPollSoThatADeviceReattachedIsSeenHealthyInTheSamePoll() {
        final List<String> order = new ArrayList<>();
        final HealthMonitor monitor = new HealthMonitor(() -> {
            order.add("health");
            return new DataplaneHealth(problem, Map.of(), new long[0]);
        }, () -> {
            order.add("repair");
            problem = null;
        }, "xlat0", () -> 0, verdicts::add, down -> { }, log);
        problem = "device xlat0 is gone";

        assertTrue(monitor.poll(), "the repair ran first: the device is back");
        assertEquals(List.of("repair", "health"), order);
    }

    @Test
    void shouldGoOnPollingWhenTheRepairFails() {
        final HealthMonitor monitor = new HealthMonitor(() -> new DataplaneHealth(problem, Map.of(), new long[0]),
            () -> {
                throw new IllegalStateException("no such namespace");
            }, "xlat0", () -> 0, verdicts::add, down -> { }, log);
        problem = "device xlat0 is gone";

        monitor.poll();

        assertFalse(monitor.poll(), "the failing device is still withdrawn");
        assertEquals(List.of(Boolean.FALSE), verdicts);
        assertTrue(logged.toString().contains("health: re-attach failed: no such namespace"), logged.toString());
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
    void shouldWithdrawWhenTheWorkersStallWhileTheDevicesAreFine() {
        final long[] now = {0};
        final long[] beats = {5};
        final HealthMonitor monitor = new HealthMonitor(() -> new DataplaneHealth(null, Map.of(), beats), "xlat0",
            () -> now[0], verdicts::add, down -> { }, log);
        assertTrue(monitor.poll());
        now[0] = 600_000_000L;
        assertTrue(monitor.poll(), "one stalled poll does not flap the fabric");
        now[0] = 750_000_000L;
        assertFalse(monitor.poll());
        assertEquals(List.of(Boolean.FALSE), verdicts);
        assertTrue(logged.toString().contains("1 of 1 workers of xlat0 stalled"), logged.toString());
        beats[0]++;
        assertTrue(monitor.poll(), "moving again");
    }
}
