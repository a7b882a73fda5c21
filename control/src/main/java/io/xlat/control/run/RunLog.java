package io.xlat.control.run;

import io.xlat.tunio.agent.DeviceErrorHandler;
import io.xlat.tunio.dataplane.DataplaneLog;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The daemon's log: one timestamped line per event on a writer (stderr, collected by systemd or the caller).
 * Also what the workers report device errors and unexpected exceptions to; those arrive from worker threads,
 * rarely (workers report a failure when it changes, not per packet), so a lock is fine.
 */
public final class RunLog implements DataplaneLog {

    /** Unexpected exceptions of one kind logged in full before only every power of two is. */
    static final int EXCEPTIONS_LOGGED_IN_FULL = 10;

    private final PrintWriter out;
    private final boolean verbose;
    private long exceptions;

    public RunLog(PrintWriter out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    @Override
    public synchronized void info(String message) {
        out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " xlat: " + message);
        out.flush();
    }

    @Override
    public void onDeviceError(String device, int worker, String operation, int errno, boolean fatal) {
        info(device + " queue " + worker + ": " + operation + " failed: " + DeviceErrorHandler.describe(errno)
            + (fatal ? "; this queue stops (was the device deleted?), the others keep running"
            : "; counted as " + operation + "-errors, not logged again"));
    }

    /** A worker's doWork threw: a bug. The worker goes on with the next packet; the log is throttled. */
    @Override
    public void onError(Throwable throwable) {
        final long n;
        synchronized (this) {
            n = ++exceptions;
        }
        if (n <= EXCEPTIONS_LOGGED_IN_FULL || Long.bitCount(n) == 1) {
            info("worker error #" + n + " (a bug; please report it): " + throwable);
            if (verbose || n == 1) {
                synchronized (this) {
                    throwable.printStackTrace(out);
                    out.flush();
                }
            }
        }
    }

    public synchronized long exceptions() {
        return exceptions;
    }
}
