package io.xlat.core.drop;

/**
 * Why the translator did not forward a packet. Ids are stable (they name counters in the counters file and in
 * tools outside this repository): never renumber, only append. Never use {@link #ordinal()} as an id.
 */
public enum DropReason {
    // --- malformed input --------------------------------------------------------------------------
    TRUNCATED(1, "truncated", "RFC 791/8200", "shorter than its headers or its own length field says"),
    BAD_VERSION(2, "bad-version", "RFC 791/8200", "IP version nibble is neither 4 nor 6"),
    BAD_IPV4_HEADER(3, "bad-ipv4-header", "RFC 791", "IHL below 5 or total length below the header"),
    BAD_IPV4_CHECKSUM(4, "bad-ipv4-checksum", "RFC 1812 5.2.2", "IPv4 header checksum is wrong"),
    BAD_EXTENSION_HEADER(5, "bad-extension-header", "RFC 8200 4", "IPv6 extension header chain is malformed"),
    EXTENSION_AFTER_FRAGMENT(6, "extension-after-fragment", "RFC 7915 5.1.1", "an extension header (AH included) follows the Fragment header (ICMPv6 1/1 sent)"),
    // --- addresses --------------------------------------------------------------------------------
    ILLEGAL_SOURCE(10, "illegal-source", "RFC 7915 4.1/5.1", "source address may not be forwarded (RFC 1812 5.3.7, RFC 4291)"),
    NO_MAPPING_SOURCE(11, "no-mapping-source", "RFC 7915 4.1/5.1", "source address has no EAM or pool6 mapping"),
    NO_MAPPING_DESTINATION(12, "no-mapping-destination", "RFC 7915 4.1/5.1", "destination address has no EAM or pool6 mapping"),
    NON_GLOBAL_WKP(13, "wkp-non-global", "RFC 6052 3.1", "non-global IPv4 address with the well-known prefix 64:ff9b::/96"),
    ILLEGAL_DESTINATION(15, "illegal-destination", "RFC 7915 4.1/5.1", "multicast, broadcast, loopback or unspecified destination cannot be translated"),
    // --- TTL / hop limit, routing -----------------------------------------------------------------
    TTL_EXPIRED(20, "ttl-expired", "RFC 7915 4.1/5.1", "TTL or hop limit reached zero (ICMP Time Exceeded sent)"),
    SOURCE_ROUTE(21, "source-route", "RFC 7915 4.1", "unexpired IPv4 source route option (ICMP 3/5 sent)"),
    ROUTING_HEADER(22, "routing-header", "RFC 7915 5.1", "Routing header with Segments Left != 0 (ICMPv6 Parameter Problem sent)"),
    // --- fragments and size -----------------------------------------------------------------------
    PACKET_TOO_BIG(30, "packet-too-big", "RFC 7915 4/5", "does not fit the next-hop MTU and may not be fragmented (ICMP error sent)"),
    FRAGMENTED_ICMP(31, "fragmented-icmp", "RFC 7915 4.2/5.2", "fragmented ICMP/ICMPv6 packet: cannot be translated statelessly"),
    UDP_ZERO_CHECKSUM(32, "udp-zero-checksum", "RFC 7915 4.5", "IPv4 UDP with checksum 0 and udp-zero-checksum: drop (ICMP 3/13 sent)"),
    FRAGMENTED_UDP_ZERO_CHECKSUM(33, "fragmented-udp-zero-checksum", "RFC 7915 4.5", "fragmented IPv4 UDP with checksum 0: checksum cannot be computed (ICMP 3/13 sent)"),
    // --- ICMP -------------------------------------------------------------------------------------
    ICMP_UNTRANSLATABLE_TYPE(40, "icmp-type", "RFC 7915 4.2/5.2", "ICMP/ICMPv6 type or code that has no counterpart (silently dropped)"),
    ICMP_BAD_CHECKSUM(41, "icmp-bad-checksum", "RFC 7915 4.2/5.2", "ICMP checksum wrong: an ICMP error cannot be translated with a bad checksum"),
    ICMP_INNER_INVALID(42, "icmp-inner-invalid", "RFC 7915 4.3/5.3", "packet inside an ICMP error is malformed or untranslatable"),
    ICMP_NESTED_ERROR(43, "icmp-nested-error", "RFC 7915 4.3/5.3", "ICMP error inside an ICMP error (no recursion beyond one level)"),
    ICMP_PARAMETER_PROBLEM_POINTER(44, "icmp-pointer", "RFC 7915 4.2/5.2", "Parameter Problem pointer has no counterpart field"),
    // --- protocols --------------------------------------------------------------------------------
    ICMP_IN_WRONG_FAMILY(50, "icmp-wrong-family", "RFC 7915 4.1/5.1", "ICMPv4 in IPv6 or ICMPv6 in IPv4 (protocol 1/58 mismatch)"),
    IGMP(51, "igmp", "RFC 7915 4.2", "IGMP is single-hop and \"SHOULD be silently dropped by the translator\""),
    // --- tenant isolation -------------------------------------------------------------------------
    TENANT_SPOOFED_SOURCE(70, "tenant-spoofed-source", "xlat tenants", "IPv4 source outside the tenant's ipv4 ranges (anti-spoofing)"),
    TENANT_FOREIGN_SOURCE(71, "tenant-foreign-source", "xlat tenants", "IPv6 source neither in the tenant's prefix nor one of its services (isolation)"),
    TENANT_DESTINATION_NOT_LOCAL(72, "tenant-destination-not-local", "xlat tenants", "destination in the tenant's prefix but outside its ipv4 ranges on this host"),
    TENANT_NOT_IPV4(73, "tenant-not-ipv4", "xlat tenants", "a packet on a tenant's IPv4 device that is not IPv4"),
    // --- data plane devices -------------------------------------------------------------------------
    WRONG_FAMILY_FOR_DEVICE(74, "wrong-family-for-device", "xlat dataplane",
        "IPv4 read from dataplane.ipv6-tun or IPv6 from dataplane.ipv4-tun: a route points the wrong family at it"),
    // --- TUN offloads (virtio-net GSO super-packets, dataplane.offload) -----------------------------
    GSO_NOT_TCP(75, "gso-not-tcp", "virtio-net GSO",
        "a super-packet that is not TCP, a fragment, or malformed: only TCP segmentation offload is translated"),
    // 76 is retired (gso-needs-fragments): a DF-clear super-packet is cut into segments that fit instead
    GSO_TOO_LONG_FOR_IPV4(77, "gso-too-long-for-ipv4", "RFC 791 / GSO",
        "IPv6 super-packet whose IPv4 translation would exceed the 65535-byte Total Length"),
    // --- translation limits and address scope (80-89) ------------------------------------------------
    FRAGMENT_BEYOND_65535(80, "fragment-beyond-65535", "RFC 791 / RFC 8200 4.5",
        "a fragment whose offset plus length passes the largest datagram the other family can reassemble"),
    IPV6_ONLY_PROTOCOL(81, "ipv6-only-protocol", "RFC 7915 4.1 / RFC 7045",
        "IPv4 Protocol is an IPv6-only Next Header (0, 43, 44, 59, 60, 135, 140): copying it would forge an extension header"),
    IPV4_LINK_LOCAL(82, "ipv4-link-local", "RFC 3927 7",
        "source or destination in 169.254.0.0/16, which a router must not forward");

    /** The largest id in use: {@link #byId} tables are sized MAX_ID + 1. */
    public static final int MAX_ID = 82;

    private static final DropReason[] BY_ID = new DropReason[MAX_ID + 1];

    static {
        for (final DropReason reason : values()) {
            if (BY_ID[reason.id] != null) {
                throw new ExceptionInInitializerError("duplicate DropReason id " + reason.id);
            }
            BY_ID[reason.id] = reason;
        }
    }

    private final int id;
    private final String label;
    private final String rfc;
    private final String description;

    DropReason(int id, String label, String rfc, String description) {
        this.id = id;
        this.label = label;
        this.rfc = rfc;
        this.description = description;
    }

    /** Stable numeric id, used as the counter index. */
    public int id() {
        return id;
    }

    /** Stable short name, used in summaries and the counters file. */
    public String label() {
        return label;
    }

    /** The RFC section that decides this drop. */
    public String rfc() {
        return rfc;
    }

    /** One line for {@code xlat stats --explain}. */
    public String description() {
        return description;
    }

    /** The reason with this id, or null. */
    public static DropReason byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
