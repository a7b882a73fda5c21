package io.xlat.tunio.tun;

import static io.xlat.tunio.tun.LinuxNative.CLONE_NEWNET;
import static io.xlat.tunio.tun.LinuxNative.LIBC;
import static io.xlat.tunio.tun.LinuxNative.O_CLOEXEC;
import static io.xlat.tunio.tun.LinuxNative.O_RDONLY;

/**
 * Moves the calling thread into a named network namespace ({@code ip netns add NAME}, bound at
 * {@code /var/run/netns/NAME}) and back. setns(2) changes the namespace of the calling thread only, so the JVM's
 * other threads are unaffected; a TUN descriptor opened in there stays bound to the device in that namespace after
 * the thread returns. Used at start and reload only, never on the data path.
 */
public final class NetworkNamespace implements AutoCloseable {

    /** Where iproute2 binds named namespaces. */
    public static final String NETNS_DIR = "/var/run/netns/";

    private final String name;
    private final int home;
    private boolean closed;

    private NetworkNamespace(String name, int home) {
        this.name = name;
        this.home = home;
    }

    /**
     * Enters namespace {@code name}; {@link #close()} returns the thread to the namespace it was in. With a null
     * name nothing changes (the host namespace), so callers need no special case.
     */
    public static NetworkNamespace enter(String name) throws NativeException {
        if (name == null) {
            return new NetworkNamespace(null, -1);
        }
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("network namespace name '" + name + "' is not a plain name");
        }
        // this thread's namespace, not the process's: another setns on this thread may be in effect
        final int home = LIBC.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0) {
            final int errno = LinuxNative.errno();
            throw new NativeException("cannot open this thread's network namespace ("
                + LinuxNative.describe(errno) + ")", errno);
        }
        final int target = LIBC.open(NETNS_DIR + name, O_RDONLY | O_CLOEXEC);
        if (target < 0) {
            final int errno = LinuxNative.errno();
            LIBC.close(home);
            throw new NativeException("network namespace " + name + ": cannot open " + NETNS_DIR + name + " ("
                + LinuxNative.describe(errno) + "); create it with 'ip netns add " + name + "'", errno);
        }
        final int rc = LIBC.setns(target, CLONE_NEWNET);
        final int errno = rc < 0 ? LinuxNative.errno() : 0;
        LIBC.close(target);
        if (rc < 0) {
            LIBC.close(home);
            throw new NativeException("network namespace " + name + ": setns failed (" + LinuxNative.describe(errno)
                + ")" + (errno == LinuxNative.EPERM ? "; this needs root or CAP_SYS_ADMIN" : ""), errno);
        }
        return new NetworkNamespace(name, home);
    }

    public String name() {
        return name;
    }

    /**
     * Returns the thread to its namespace. Failing that, the thread would go on in the tenant's namespace and
     * later host-side work would silently act there, so that is an error nobody may ignore.
     */
    @Override
    public void close() {
        if (closed || home < 0) {
            closed = true;
            return;
        }
        closed = true;
        final int rc = LIBC.setns(home, CLONE_NEWNET);
        final int errno = rc < 0 ? LinuxNative.errno() : 0;
        LIBC.close(home);
        if (rc < 0) {
            throw new IllegalStateException("cannot return from network namespace " + name + " ("
                + LinuxNative.describe(errno) + ")");
        }
    }
}
