package io.xlat.control.run;

import io.xlat.tunio.dataplane.DataplaneHealth;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Couples the BGP announcements to the data plane: every {@link #PERIOD_MILLIS} it takes one
 * {@link DataplaneHealth} snapshot from the data plane, and reports a change of the overall verdict (the whole
 * data plane healthy, its workers making progress; or not) to its listener, which withdraws or announces. A
 * failure withdraws after {@link #FAIL_AFTER} polls in a row (so a single slow poll does not flap the fabric),
 * well within the 1 s allowed; one passing poll announces again. It also reports the set of paths (tenants, plain
 * SIIT's own device beside them) whose device failed {@link #FAIL_AFTER} polls in a row, so that only their
 * prefixes are withdrawn while the others stay.
 *
 * <p>Before each poll it runs its {@code repair} step: the data plane's re-attach of devices that were deleted and
 * are back ({@link io.xlat.tunio.dataplane.RunningDataplane#reattach}, paced there to one try per missing device per
 * second), so that the poll right after sees the device healthy and BGP announces its prefixes again. It runs with
 * or without BGP: without, the listeners only hear what the log says.
 */
public final class HealthMonitor implements AutoCloseable {

    static final long PERIOD_MILLIS = 150;
    /** 2 x 150 ms = 300 ms from the failure to the withdrawal decision, plus the UPDATE's way to the peer. */
    static final int FAIL_AFTER = 2;
    /** A worker whose loop has not come round for this long is stalled: its prefixes are withdrawn. */
    public static final long STALL_MILLIS = 500;

    private final Supplier<DataplaneHealth> source;
    private final Runnable repair;
    private final Stalls stalls;
    private final Consumer<Boolean> listener;
    private final Consumer<Set<String>> pathListener;
    /** Failed polls in a row, by path; a path that passes leaves the map. */
    private final Map<String, Integer> pathFailures = new HashMap<>();
    /** Why each path that is down is, as last logged. */
    private final Map<String, String> pathReasons = new HashMap<>();
    private Set<String> down = Set.of();
    private final RunLog log;
    private int failures;
    private boolean healthy = true;
    private String lastProblem;
    private Thread thread;
    private volatile boolean running;

    /**
     * @param source       the data plane's health, asked once per poll
     * @param what         the data plane's first device, named in the stall message
     * @param nanoClock    a monotonic clock for the stall check
     * @param listener     hears the overall verdict whenever it changes
     * @param pathListener hears the set of paths that are down whenever it changes (the empty set once all are back)
     */
    public HealthMonitor(Supplier<DataplaneHealth> source, String what, LongSupplier nanoClock,
        Consumer<Boolean> listener, Consumer<Set<String>> pathListener, RunLog log) {
        this(source, () -> { }, what, nanoClock, listener, pathListener, log);
    }

    /**
     * As above, with {@code repair} run before each poll (on the health thread; a failure is logged and the poll
     * goes on).
     */
    public HealthMonitor(Supplier<DataplaneHealth> source, Runnable repair, String what, LongSupplier nanoClock,
        Consumer<Boolean> listener, Consumer<Set<String>> pathListener, RunLog log) {
        this.source = source;
        this.repair = repair;
        this.stalls = new Stalls(what, STALL_MILLIS, nanoClock);
        this.listener = listener;
        this.pathListener = pathListener;
        this.log = log;
    }

    /** Polls on a daemon thread until {@link #close}. */
    public synchronized void start() {
        running = true;
        thread = new Thread(() -> {
            while (running) {
                poll();
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "xlat-health");
        thread.setDaemon(true);
        thread.start();
    }

    /** One poll: asks the data plane, and tells the listeners when a verdict changes. Returns the overall one. */
    synchronized boolean poll() {
        try {
            repair.run();
        } catch (RuntimeException e) {
            // a bug in the repair must not stop the health checks, which withdraw what cannot forward
            log.info("health: re-attach failed: " + Daemon.describe(e));
        }
        final DataplaneHealth health = source.get();
        String problem = health.problem();
        if (problem == null) {
            problem = stalls.problem(health);
        }
        if (problem == null) {
            failures = 0;
            lastProblem = null;
            if (!healthy) {
                healthy = true;
                log.info("health: data plane healthy again");
                listener.accept(Boolean.TRUE);
            }
        } else {
            failures++;
            if (healthy && failures >= FAIL_AFTER) {
                healthy = false;
                log.info("health: " + problem);
                lastProblem = problem;
                listener.accept(Boolean.FALSE);
            } else if (!healthy && !problem.equals(lastProblem)) {
                log.info("health: " + problem);
                lastProblem = problem;
            }
        }
        pollPaths(health.paths());
        return healthy;
    }

    /** "tenant blue", or the plain-SIIT path's own name. */
    private static String what(String name) {
        return name.startsWith("(") ? name : "tenant " + name;
    }

    /** The paths that have failed {@link #FAIL_AFTER} polls in a row; tells the listener when that set changes. */
    private void pollPaths(Map<String, String> problems) {
        pathFailures.keySet().retainAll(problems.keySet());
        final Set<String> nowDown = new TreeSet<>();
        for (final Map.Entry<String, String> p : problems.entrySet()) {
            final int failed = pathFailures.merge(p.getKey(), 1, Integer::sum);
            if (failed >= FAIL_AFTER || down.contains(p.getKey())) {
                nowDown.add(p.getKey());
                if (!p.getValue().equals(pathReasons.put(p.getKey(), p.getValue()))) {
                    log.info("health: " + what(p.getKey()) + ": " + p.getValue());
                }
            }
        }
        if (!nowDown.equals(down)) {
            for (final String back : down) {
                if (!nowDown.contains(back)) {
                    pathReasons.remove(back);
                    log.info("health: " + what(back) + " healthy again");
                }
            }
            down = Set.copyOf(nowDown);
            pathListener.accept(down);
        }
    }

    /** Stops polling; the listeners hear nothing more. */
    @Override
    public void close() {
        final Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether every worker keeps coming round its loop: its heartbeat (bumped once per doWork, at least every poll
     * timeout even when idle) moved within {@code stallMillis}. Catches a worker that is alive but stuck, which a
     * thread's liveness cannot show.
     */
    static final class Stalls {
        private final String what;
        private final long stallMillis;
        private final LongSupplier nanoClock;
        private long[] last = new long[0];
        private long[] changedAt = new long[0];
        private boolean[] seen = new boolean[0];

        Stalls(String what, long stallMillis, LongSupplier nanoClock) {
            this.what = what;
            this.stallMillis = stallMillis;
            this.nanoClock = nanoClock;
        }

        /** Null while every worker's heartbeat moved within the stall time, else how many did not. */
        String problem(DataplaneHealth health) {
            final int workers = health.workers();
            if (last.length != workers) {
                last = new long[workers];
                changedAt = new long[workers];
                seen = new boolean[workers];
            }
            final long now = nanoClock.getAsLong();
            int stalled = 0;
            for (int w = 0; w < workers; w++) {
                final long beat = health.heartbeat(w);
                if (!seen[w] || beat != last[w]) {
                    seen[w] = true;
                    last[w] = beat;
                    changedAt[w] = now;
                } else if (now - changedAt[w] > stallMillis * 1_000_000L) {
                    stalled++;
                }
            }
            return stalled == 0 ? null : stalled + " of " + workers + " workers of " + what + " stalled (no progress "
                + "for " + stallMillis + " ms)";
        }
    }
}
