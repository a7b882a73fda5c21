package io.xlat.control.run;

import io.xlat.control.log.XlatLogging;
import io.xlat.tunio.agent.DeviceErrorHandler;
import io.xlat.tunio.dataplane.DataplaneLog;

import java.io.PrintWriter;
import java.lang.System.Logger.Level;

/**
 * The daemon's log: one line per event, through {@link System.Logger} (the format of {@code --log-format}) on a
 * writer (stderr, collected by systemd, or the caller's). Also what the workers report device errors and
 * unexpected exceptions to; those arrive from worker threads, rarely (workers report a failure when it changes,
 * not per packet), so a lock is fine.
 */
public final class RunLog implements DataplaneLog {

    /** Unexpected exceptions of one kind logged in full before only every power of two is. */
    static final int EXCEPTIONS_LOGGED_IN_FULL = 10;

    private final System.Logger logger;
    private final boolean verbose;
    private long exceptions;

    public RunLog(PrintWriter out, boolean verbose) {
        this.logger = XlatLogging.logger("xlat.run", out);
        this.verbose = verbose;
    }

    @Override
    public void info(String message) {
        logger.log(Level.INFO, message);
    }

    @Override
    public void onDeviceError(String device, int worker, String operation, int errno, boolean fatal) {
        logger.log(fatal ? Level.ERROR : Level.WARNING, device + " queue " + worker + ": " + operation
            + " failed: " + DeviceErrorHandler.describe(errno)
            + (fatal ? "; this queue stops (was the device deleted?) until the device is back, the others keep "
            + "running"
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
            final String message = "worker error #" + n + " (a bug; please report it): " + throwable;
            // the stack trace the first time, and every time with --verbose
            logger.log(Level.ERROR, message, verbose || n == 1 ? throwable : null);
        }
    }

    public synchronized long exceptions() {
        return exceptions;
    }
}
