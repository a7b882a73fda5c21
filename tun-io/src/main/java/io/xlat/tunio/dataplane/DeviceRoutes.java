package io.xlat.tunio.dataplane;

import io.xlat.tunio.tun.RouteTable;

import java.io.IOException;

/**
 * The kernel routes the data plane's devices take ({@code dataplane.manage-routes}): device routes with metric
 * {@value #METRIC} in the main table of a namespace, through {@link RouteTable} (rtnetlink). What to route is the
 * control plane's to decide; how it reaches the kernel stays here, with the other native calls.
 */
public final class DeviceRoutes {

    /** The metric of every route xlat installs, so that its own are told from the operator's. */
    public static final int METRIC = RouteTable.METRIC;

    private DeviceRoutes() {
    }

    /**
     * Adds (or replaces) a route into {@code device} in namespace {@code netns} (null: this one); an IPv4 prefix
     * is the low 32 bits of {@code hi}.
     */
    public static void add(String netns, String device, boolean ipv6, long hi, long lo, int length)
        throws IOException {
        if (ipv6) {
            RouteTable.add6(netns, device, hi, lo, length);
        } else {
            RouteTable.add4(netns, device, (int) hi, length);
        }
    }

    /** Removes such a route; false when it was already gone (with its device, say). */
    public static boolean remove(String netns, String device, boolean ipv6, long hi, long lo, int length)
        throws IOException {
        return ipv6 ? RouteTable.remove6(netns, device, hi, lo, length)
            : RouteTable.remove4(netns, device, (int) hi, length);
    }
}
