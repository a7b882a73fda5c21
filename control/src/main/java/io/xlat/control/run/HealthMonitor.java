package io.xlat.control.run;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Couples the BGP announcements to the data plane: every {@link #PERIOD_MILLIS} it asks each {@link Check}, and
 * reports a change of the overall verdict (all healthy, or not) to its listener, which withdraws or announces.
 * A failing check withdraws after {@link #FAIL_AFTER} polls in a row (so a single slow poll does not flap the
 * fabric), well within the 1 s the issue allows; one passing poll announces again. In tenant mode it also asks a
 * {@link TenantCheck} each poll and reports the set of tenants whose device failed {@link #FAIL_AFTER} polls in a
 * row, so that only their prefixes are withdrawn while the others stay.
 */
public final class HealthMonitor implements AutoCloseable {

    static final long PERIOD_MILLIS = 150;
    /** 2 x 150 ms = 300 ms from the failure to the withdrawal decision, plus the UPDATE's way to the peer. */
    static final int FAIL_AFTER = 2;

    /** One thing the data plane needs to forward. */
    public interface Check {
        /** Null when healthy, else why not (logged once per change). */
        String problem();
    }

    /** The per-tenant part: which tenants cannot forward now (their device is down or gone). */
    public interface TenantCheck {
        /** Tenant name to why, for every tenant that fails now; empty when all are fine. */
        Map<String, String> problems();
    }

    private final List<Check> checks;
    private final Consumer<Boolean> listener;
    private final TenantCheck tenantCheck;
    private final Consumer<Set<String>> tenantListener;
    /** Failed polls in a row, by tenant; a tenant that passes leaves the map. */
    private final Map<String, Integer> tenantFailures = new HashMap<>();
    /** Why each tenant that is down is, as last logged. */
    private final Map<String, String> tenantReasons = new HashMap<>();
    private Set<String> down = Set.of();
    private final RunLog log;
    private int failures;
    private boolean healthy = true;
    private String lastProblem;
    private Thread thread;
    private volatile boolean running;

    public HealthMonitor(List<Check> checks, Consumer<Boolean> listener, RunLog log) {
        this(checks, listener, null, null, log);
    }

    /**
     * As the other constructor, and {@code tenantListener} hears the set of tenants that are down whenever it
     * changes (the empty set once all are back).
     */
    public HealthMonitor(List<Check> checks, Consumer<Boolean> listener, TenantCheck tenantCheck,
        Consumer<Set<String>> tenantListener, RunLog log) {
        this.checks = List.copyOf(checks);
        this.listener = listener;
        this.tenantCheck = tenantCheck;
        this.tenantListener = tenantListener;
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

    /** One poll: asks every check, and tells the listener when the verdict changes. Returns the verdict. */
    synchronized boolean poll() {
        String problem = null;
        for (final Check check : checks) {
            problem = check.problem();
            if (problem != null) {
                break;
            }
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
        if (tenantCheck != null) {
            pollTenants();
        }
        return healthy;
    }

    /** "tenant blue", or the plain-SIIT path's own name. */
    private static String what(String name) {
        return name.startsWith("(") ? name : "tenant " + name;
    }

    /** The tenants that have failed {@link #FAIL_AFTER} polls in a row; tells the listener when that set changes. */
    private void pollTenants() {
        final Map<String, String> problems = tenantCheck.problems();
        tenantFailures.keySet().retainAll(problems.keySet());
        final Set<String> nowDown = new TreeSet<>();
        for (final Map.Entry<String, String> p : problems.entrySet()) {
            final int failed = tenantFailures.merge(p.getKey(), 1, Integer::sum);
            if (failed >= FAIL_AFTER || down.contains(p.getKey())) {
                nowDown.add(p.getKey());
                if (!p.getValue().equals(tenantReasons.put(p.getKey(), p.getValue()))) {
                    log.info("health: " + what(p.getKey()) + ": " + p.getValue());
                }
            }
        }
        if (!nowDown.equals(down)) {
            for (final String back : down) {
                if (!nowDown.contains(back)) {
                    tenantReasons.remove(back);
                    log.info("health: " + what(back) + " healthy again");
                }
            }
            down = Set.copyOf(nowDown);
            tenantListener.accept(down);
        }
    }

    /** Stops polling; the listener hears nothing more. */
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

    /** The device exists in this network namespace and is administratively up. */
    public static Check deviceUp(String name) {
        return () -> {
            try {
                // the JDK lists an interface without addresses only while it is up: null is down or deleted
                final NetworkInterface nic = NetworkInterface.getByName(name);
                return nic != null && nic.isUp() ? null : "device " + name + " is down or gone";
            } catch (SocketException e) {
                return "device " + name + ": " + e.getMessage();
            }
        };
    }

    /**
     * Every worker keeps coming round its loop: its heartbeat (bumped once per doWork, at least every poll
     * timeout even when idle) moved within {@code stallMillis}. Catches a worker that is alive but stuck, which
     * {@link #workersAlive} cannot see.
     */
    public static Check workersBeating(String what, int workers, java.util.function.IntToLongFunction heartbeat,
        long stallMillis, java.util.function.LongSupplier nanoClock) {
        final long[] last = new long[workers];
        final long[] changedAt = new long[workers];
        final boolean[] seen = new boolean[workers];
        return () -> {
            final long now = nanoClock.getAsLong();
            int stalled = 0;
            for (int w = 0; w < workers; w++) {
                final long beat = heartbeat.applyAsLong(w);
                if (!seen[w] || beat != last[w]) {
                    seen[w] = true;
                    last[w] = beat;
                    changedAt[w] = now;
                } else if (now - changedAt[w] > stallMillis * 1_000_000L) {
                    stalled++;
                }
            }
            return stalled == 0 ? null : stalled + " of " + workers + " workers of " + what + " stalled (no progress for "
                + stallMillis + " ms)";
        };
    }

    /**
     * The worker threads ({@code xlat-<device>-q<n>}, one per queue) are alive. A worker that blocks without dying
     * is caught by {@link #workersBeating}.
     */
    public static Check workersAlive(String device, int workers) {
        return () -> {
            ThreadGroup root = Thread.currentThread().getThreadGroup();
            while (root.getParent() != null) {
                root = root.getParent();
            }
            final Thread[] threads = new Thread[root.activeCount() + 16];
            final int n = root.enumerate(threads, true);
            int alive = 0;
            final String prefix = "xlat-" + device + "-q";
            for (int i = 0; i < n; i++) {
                if (threads[i].getName().startsWith(prefix) && threads[i].isAlive()) {
                    alive++;
                }
            }
            return alive >= workers ? null : (workers - alive) + " of " + workers + " workers on " + device
                + " have stopped";
        };
    }
}
