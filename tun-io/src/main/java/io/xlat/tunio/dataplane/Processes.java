package io.xlat.tunio.dataplane;

import io.xlat.tunio.tun.LinuxNative;

import java.io.IOException;

/** Signals to a running data plane's process ({@code xlat reload} sends SIGHUP, as {@code kill -HUP} does). */
public final class Processes {

    private Processes() {
    }

    /** Sends SIGHUP to {@code pid}. */
    public static void hangUp(long pid) throws IOException {
        if (LinuxNative.LIBC.kill((int) pid, LinuxNative.SIGHUP) < 0) {
            final int errno = LinuxNative.errno();
            throw new IOException("cannot signal xlat pid " + pid + " (" + LinuxNative.describe(errno) + ")"
                + (errno == LinuxNative.EPERM ? "; run as the same user or root" : ""));
        }
    }
}
