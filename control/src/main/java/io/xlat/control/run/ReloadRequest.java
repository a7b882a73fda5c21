package io.xlat.control.run;

import io.xlat.tunio.counters.CountersFile;
import io.xlat.tunio.dataplane.Processes;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code xlat reload} does: finds the running instance from its counters file (which records the pid of the
 * process that holds it) and sends it SIGHUP, the same as {@code kill -HUP}. The instance re-reads its own
 * configuration file and logs whether it applied it.
 */
public final class ReloadRequest {

    private ReloadRequest() {
    }

    /**
     * Signals the xlat that writes {@code countersFile}.
     *
     * @return the pid signalled
     * @throws IOException when the file is unreadable, the instance stopped, or the signal cannot be sent
     */
    public static long send(Path countersFile) throws IOException {
        final CountersFile.Snapshot snapshot = CountersFile.read(countersFile);
        final long pid = snapshot.pid();
        if (snapshot.abandoned()) {
            throw new IOException(countersFile + ": xlat pid " + pid + " is gone (killed without a clean stop?)");
        }
        if (!snapshot.running()) {
            throw new IOException(countersFile + ": the xlat that wrote it (pid " + pid + ") has stopped");
        }
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IOException(countersFile + ": xlat pid " + pid + " is gone (killed without a clean stop?)");
        }
        Processes.hangUp(pid);
        return pid;
    }
}
