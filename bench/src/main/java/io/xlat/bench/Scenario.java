package io.xlat.bench;

import io.xlat.core.addr.Ipv4Addresses;
import io.xlat.core.addr.Ipv6Addresses;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;

import static io.xlat.bench.BenchPackets.ICMP;
import static io.xlat.bench.BenchPackets.ICMPV6;
import static io.xlat.bench.BenchPackets.TCP;
import static io.xlat.bench.BenchPackets.UDP;
import static io.xlat.bench.BenchPackets.icmp;
import static io.xlat.bench.BenchPackets.ipv4;
import static io.xlat.bench.BenchPackets.ipv6;
import static io.xlat.bench.BenchPackets.payload;
import static io.xlat.bench.BenchPackets.tcp;
import static io.xlat.bench.BenchPackets.udp;

/**
 * One benchmarked packet per translation path. An IPv4 host 192.0.2.1 talks with an IPv6 host whose address
 * embeds 198.51.100.2 in pool6; every packet is one the translator forwards (no drop, no error it originates).
 * The 46 data packets are 64 bytes of IPv4, the 64 ones carry the same 44-byte transport segment in IPv6
 * (84 bytes), so each pair translates the same upper layer in both directions.
 */
public enum Scenario {
    /** IPv4 UDP, 36 bytes of payload: 64 bytes in. */
    UDP_46,
    /** IPv6 UDP, 36 bytes of payload: 84 bytes in. */
    UDP_64,
    /** IPv4 TCP data segment (ACK|PSH), 24 bytes of payload: 64 bytes in. */
    TCP_46,
    /** IPv6 TCP data segment, 24 bytes of payload: 84 bytes in. */
    TCP_64,
    /** ICMPv4 Echo Request, 36 bytes of data: 64 bytes in. */
    ICMP_ECHO_46,
    /** ICMPv6 Echo Request, 36 bytes of data: 84 bytes in. */
    ICMP_ECHO_64,
    /** ICMPv4 Time Exceeded from router 203.0.113.9 quoting a 44-byte UDP packet: 72 bytes in. */
    ICMP_ERROR_46,
    /** ICMPv6 Port Unreachable from the IPv6 host quoting a 64-byte UDP packet: 112 bytes in. */
    ICMP_ERROR_64;

    public static final String POOL6 = "2001:db8:64::/96";
    public static final String OWN_IPV4 = "203.0.113.1";
    public static final String OWN_IPV6 = "2001:db8:ffff::1";

    static final int V4_HOST = Ipv4Addresses.parse("192.0.2.1");
    static final int V6_HOST_AS_V4 = Ipv4Addresses.parse("198.51.100.2");
    private static final int V4_ROUTER = Ipv4Addresses.parse("203.0.113.9");
    static final long[] V6_HOST = Ipv6Addresses.parse("2001:db8:64::c633:6402");
    static final long[] V4_HOST_AS_V6 = Ipv6Addresses.parse("2001:db8:64::c000:201");

    /** The benchmark configuration: pool6 2001:db8:64::/96, own addresses set, every other key at its default. */
    public static TranslatorConfig config() {
        return TranslatorConfig.builder()
            .pool6(Ipv6Prefix.parse(POOL6))
            .ipv4Address(Ipv4Addresses.parse(OWN_IPV4))
            .ipv6Address(Ipv6Prefix.parse(OWN_IPV6))
            .build();
    }

    /** Whether the input is IPv4 (the translator takes the 46 path). */
    public boolean from4() {
        return name().endsWith("46");
    }

    /** A freshly built input packet with correct checksums. */
    public byte[] packet() {
        switch (this) {
            case UDP_46:
                return ipv4(64, UDP, V4_HOST, V6_HOST_AS_V4, 0x1001, udp(40_000, 4500, payload(36, 1)));
            case UDP_64:
                return ipv6(64, UDP, V6_HOST, V4_HOST_AS_V6, udp(4500, 40_000, payload(36, 2)));
            case TCP_46:
                return ipv4(64, TCP, V4_HOST, V6_HOST_AS_V4, 0x1002, tcp(40_001, 443, payload(24, 3)));
            case TCP_64:
                return ipv6(64, TCP, V6_HOST, V4_HOST_AS_V6, tcp(443, 40_001, payload(24, 4)));
            case ICMP_ECHO_46:
                return ipv4(64, ICMP, V4_HOST, V6_HOST_AS_V4, 0x1003, icmp(8, 0, 0x0042_0001, payload(36, 5)));
            case ICMP_ECHO_64:
                return ipv6(64, ICMPV6, V6_HOST, V4_HOST_AS_V6, icmp(128, 0, 0x0043_0001, payload(36, 6)));
            case ICMP_ERROR_46: {
                // What the IPv6 host sent, already translated to IPv4, as a router quotes it when its TTL expired.
                final byte[] quoted = ipv4(1, UDP, V6_HOST_AS_V4, V4_HOST, 0x2001, udp(33_434, 33_435, payload(16, 7)));
                return ipv4(250, ICMP, V4_ROUTER, V6_HOST_AS_V4, 0x1004, icmp(11, 0, 0, quoted));
            }
            case ICMP_ERROR_64: {
                // What the IPv4 host sent, as the IPv6 host received and quotes it (Port Unreachable, code 4).
                final byte[] quoted = ipv6(63, UDP, V4_HOST_AS_V6, V6_HOST, udp(40_002, 5353, payload(16, 8)));
                return ipv6(64, ICMPV6, V6_HOST, V4_HOST_AS_V6, icmp(1, 4, 0, quoted));
            }
            default:
                throw new IllegalStateException("no packet for " + this);
        }
    }
}
