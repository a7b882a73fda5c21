package io.xlat.tunio.dataplane;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The devices the data plane holds that are missing now (deleted, or deleted and replaced by another device of that
 * name), and those seen set down ({@link #linkUp}). A missing device may be tried again {@link #RETRY_NANOS} after
 * it went missing and every {@link #RETRY_NANOS} after that. The first try waits too, so that the health checks
 * report the device and its prefixes are withdrawn before xlat creates a device it owns again, and so that an
 * operator who deletes a device to make it anew (say as a persistent one) finds the name free. Keyed by where the
 * device is ("name" or "name in netns ns"); used by the health thread only, under the data plane's lock.
 */
final class MissingDevices {

    /** At most one attempt per missing device per second: an open is a few syscalls, but a log line may follow. */
    static final long RETRY_NANOS = 1_000_000_000L;

    private final Map<String, Missing> missing = new HashMap<>();
    private final Set<String> down = new HashSet<>();

    private static final class Missing {
        long nextTry;
        String lastFailure;
    }

    /** Notes {@code device} missing at {@code now}; true the first time (the caller logs it once). */
    boolean gone(String device, long now) {
        if (missing.containsKey(device)) {
            return false;
        }
        final Missing m = new Missing();
        m.nextTry = now + RETRY_NANOS;
        missing.put(device, m);
        return true;
    }

    /** Whether {@code device} (noted {@link #gone}) may be tried at {@code now}; if so, the next try is a period on. */
    boolean due(String device, long now) {
        final Missing m = missing.get(device);
        if (m == null || now - m.nextTry < 0) {
            return false;
        }
        m.nextTry = now + RETRY_NANOS;
        return true;
    }

    /** Notes why a try failed; true when that differs from the last failure (the caller logs a reason once). */
    boolean failed(String device, String why) {
        final Missing m = missing.get(device);
        if (m == null || why.equals(m.lastFailure)) {
            return false;
        }
        m.lastFailure = why;
        return true;
    }

    /** {@code device} is attached again (or no longer held): no longer missing. */
    void back(String device) {
        missing.remove(device);
    }

    /** Notes {@code device}'s link state; true when it is up after it was seen down. */
    boolean linkUp(String device, boolean up) {
        if (up) {
            return down.remove(device);
        }
        down.add(device);
        return false;
    }

    /** Whether {@code device} was seen down and not up since. */
    boolean isDown(String device) {
        return down.contains(device);
    }

    /** Whether {@code device} is missing. */
    boolean isMissing(String device) {
        return missing.containsKey(device);
    }
}
