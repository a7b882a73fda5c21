package io.xlat.tunio.agent;

/** What a {@link Port}'s device carries, which decides how a packet read from it is translated and where it goes. */
public enum PortRole {
    /**
     * Both families of plain SIIT ({@code dataplane.siit-tun}): IPv4 is translated with pool6 and the EAM and
     * written back into the same device, IPv6 likewise (or to a tenant's device when its prefix holds the
     * destination).
     */
    BOTH,
    /**
     * The IPv4 side of plain SIIT on a device pair ({@code dataplane.ipv4-tun}): IPv4 only, translated and written
     * to the {@link #IPV6} port.
     */
    IPV4,
    /**
     * The host's IPv6 device ({@code dataplane.ipv6-tun}): the tenants' instance prefixes and, with a device pair,
     * pool6. IPv6 only; the output goes to the tenant whose prefix holds the destination, else to plain SIIT's port.
     */
    IPV6,
    /** One tenant's IPv4 device ({@code tun:}): translated with the tenant's prefix and written to the IPv6 port. */
    TENANT;

    /**
     * Whether an errno after which reading cannot succeed gives the queue up (a tenant's device is re-attached, by
     * the health thread or a reload, with new ports).
     */
    boolean mayFail() {
        return this != TENANT;
    }
}
