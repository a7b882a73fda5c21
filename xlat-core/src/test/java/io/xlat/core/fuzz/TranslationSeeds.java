package io.xlat.core.fuzz;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.xlat.core.testing.Packets.bytes;
import static io.xlat.core.testing.Packets.icmp;
import static io.xlat.core.testing.Packets.ipv4;
import static io.xlat.core.testing.Packets.ipv6;
import static io.xlat.core.testing.Packets.tcp;
import static io.xlat.core.testing.Packets.udp;

/**
 * Writes the seed corpus of {@link TranslationFuzzTest}: one well-formed packet per feature the fuzzer should
 * start from (each direction, each protocol, fragments, options and extension headers, ICMP errors with nested
 * packets and RFC 4884 extensions, EAM and hairpinning, tenants, a super-packet), so that mutations land near
 * every branch at once. Run {@code TranslationSeeds DIR} to regenerate; the file name says what each seed is.
 * Addresses are the test configuration's: pool6 2001:db8:64::/96, EAM 192.0.2.0/24 = 2001:db8:2::/120 and
 * 198.51.100.0/24 = 2001:db8:3::/120, tenants blue 2001:db8:100:1::/96 and red 2001:db8:100:2::/96 on 10.0.0.0/25.
 */
public final class TranslationSeeds {

    private TranslationSeeds() {
    }

    static Map<String, byte[]> seeds() {
        final Map<String, byte[]> s = new LinkedHashMap<>();
        final byte[] udp4 = ipv4().build();
        s.put("siit-v4-udp", seed(0, 0, udp4));
        s.put("siit-v4-tcp", seed(0, 0, ipv4().tcp(tcp(40000, 80, bytes(40, 3))).build()));
        s.put("siit-v4-echo", seed(0, 0, ipv4().icmp(icmp(8, 0, 0x12340001, bytes(32, 5))).build()));
        s.put("siit-v4-ttl1", seed(0, 0, ipv4().ttl(1).build()));
        s.put("siit-v4-options", seed(0, 0, ipv4().options(new byte[] {7, 7, 4, 0, 0, 0, 0, 0}).build()));
        s.put("siit-v4-udp-zero-checksum", seed(0, 0, ipv4().rawTransportChecksum().build()));
        s.put("siit-v4-first-fragment", seed(0, 0, ipv4().flags(0x2000).udp(udp(1000, 2000, bytes(64, 2))).build()));
        s.put("siit-v4-later-fragment", seed(0, 0, ipv4().flags(0x2000 | 8).payload(17, bytes(48, 9)).build()));
        s.put("siit-v4-df-too-big", seed(0, 0, ipv4().udp(udp(1, 2, bytes(1600, 4))).build()));
        s.put("siit-v4-no-df-big", seed(0, 0, ipv4().flags(0).udp(udp(1, 2, bytes(1600, 4))).build()));
        final byte[] inner4 = ipv4().src("198.51.100.2").dst("192.0.2.1").build();
        s.put("siit-v4-unreachable-nested", seed(0, 0, ipv4().src("198.51.100.9")
            .icmp(icmp(3, 3, 0, inner4)).build()));
        s.put("siit-v4-frag-needed-nested", seed(0, 0, ipv4().src("198.51.100.9")
            .icmp(icmp(3, 4, 1400, inner4)).build()));
        // RFC 4884: the length field (in 32-bit words) and an extension structure after 128 octets of original
        final byte[] padded4 = java.util.Arrays.copyOf(inner4, 128);
        final byte[] ext = {0x20, 0, 0, 0, 0, 8, 1, 1, 0, 0, 0, 1};
        final byte[] body4 = new byte[padded4.length + ext.length];
        System.arraycopy(padded4, 0, body4, 0, padded4.length);
        System.arraycopy(ext, 0, body4, padded4.length, ext.length);
        s.put("siit-v4-time-exceeded-rfc4884", seed(0, 0, ipv4().src("198.51.100.9")
            .icmp(icmp(11, 0, 32 << 16, body4)).build()));
        s.put("siit-v6-udp", seed(0, 0, ipv6().build()));
        s.put("siit-v6-tcp", seed(0, 0, ipv6().tcp(tcp(40000, 443, bytes(60, 8))).build()));
        s.put("siit-v6-echo", seed(0, 0, ipv6().icmpv6(icmp(128, 0, 0x00070001, bytes(24, 6))).build()));
        s.put("siit-v6-hop-limit-1", seed(0, 0, ipv6().hopLimit(1).build()));
        s.put("siit-v6-fragment", seed(0, 0, ipv6().fragment(0, true, 0xabcd).udp(udp(5, 6, bytes(32, 1))).build()));
        s.put("siit-v6-later-fragment", seed(0, 0, ipv6().fragment(4, false, 0xabcd).payload(17, bytes(24, 1))
            .build()));
        s.put("siit-v6-hop-by-hop", seed(0, 0, ipv6().extension(0, 0).build()));
        s.put("siit-v6-routing-segments-left", seed(0, 0, ipv6().extension(43, 1).build()));
        s.put("siit-v6-destination-options", seed(0, 0, ipv6().extension(60, 0).build()));
        final byte[] inner6 = ipv6().src("2001:db8:64::c633:6402").dst("2001:db8:64::c000:201").build();
        s.put("siit-v6-too-big-nested", seed(0, 0, ipv6().src("2001:db8:64::c633:6409")
            .icmpv6(icmp(2, 0, 1280, inner6)).build()));
        s.put("siit-v6-unreachable-nested", seed(0, 0, ipv6().src("2001:db8:64::c633:6409")
            .icmpv6(icmp(1, 4, 0, inner6)).build()));
        final byte[] padded6 = java.util.Arrays.copyOf(inner6, 128);
        final byte[] body6 = new byte[padded6.length + ext.length];
        System.arraycopy(padded6, 0, body6, 0, padded6.length);
        System.arraycopy(ext, 0, body6, padded6.length, ext.length);
        s.put("siit-v6-time-exceeded-rfc4884", seed(0, 0, ipv6().src("2001:db8:64::c633:6409")
            .icmpv6(icmp(3, 0, 16 << 24, body6)).build()));
        s.put("siit-v6-parameter-problem", seed(0, 0, ipv6().src("2001:db8:64::c633:6409")
            .icmpv6(icmp(4, 0, 6, inner6)).build()));
        s.put("eam-v6-udp", seed(1, 0, ipv6().src("2001:db8:2::5").dst("2001:db8:3::7").build()));
        s.put("eam-v4-udp", seed(1, 0, ipv4().src("198.51.100.7").dst("192.0.2.5").build()));
        s.put("eam-v6-hairpin", seed(1, 0, ipv6().src("2001:db8:2::5").dst("2001:db8:64::c633:6407").build()));
        s.put("eam-v6-hairpin-echo", seed(1, 0, ipv6().src("2001:db8:2::5").dst("2001:db8:64::c633:6407")
            .icmpv6(icmp(128, 0, 0x00090001, bytes(16, 1))).build()));
        s.put("eam-v4-to-rfc6791", seed(1, 0, ipv4().src("198.51.100.7").dst("192.0.0.8").build()));
        s.put("tenant-v6-to-blue", seed(2, 0, ipv6().src("2001:db8:100:1::a00:c8").dst("2001:db8:100:1::a00:1")
            .build()));
        s.put("tenant-v6-to-red-ttl1", seed(2, 0, ipv6().src("2001:db8:100:2::a00:c8").dst("2001:db8:100:2::a00:1")
            .hopLimit(1).build()));
        s.put("tenant-v4-global", seed(2, 0, udp4));
        s.put("tenant-blue-sends", seed(3, 0, ipv4().src("10.0.0.1").dst("10.0.0.100").build()));
        s.put("tenant-red-sends", seed(3, 1, ipv4().src("10.0.0.1").dst("10.0.0.100").build()));
        s.put("tenant-blue-to-service", seed(3, 0, ipv4().src("10.0.0.1").dst("100.64.0.10").build()));
        s.put("tenant-blue-spoofed-source", seed(3, 0, ipv4().src("10.0.0.200").dst("10.0.0.100").build()));
        s.put("tenant-blue-error-nested", seed(3, 0, ipv4().src("10.0.0.1").dst("10.0.0.100")
            .icmp(icmp(3, 1, 0, ipv4().src("10.0.0.100").dst("10.0.0.1").build())).build()));
        s.put("offload-v4-tcp-super-packet", seed(0, 0x80 | 7, ipv4().tcp(tcp(40000, 80, bytes(20_000, 3)))
            .build()));
        s.put("offload-v6-tcp-super-packet", seed(0, 0x80 | 7, ipv6().tcp(tcp(40000, 80, bytes(20_000, 3)))
            .build()));
        return s;
    }

    private static byte[] seed(int scenario, int flags, byte[] packet) {
        final byte[] out = new byte[packet.length + 2];
        out[0] = (byte) scenario;
        out[1] = (byte) flags;
        System.arraycopy(packet, 0, out, 2, packet.length);
        return out;
    }

    public static void main(String[] args) throws IOException {
        final Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (final Map.Entry<String, byte[]> e : seeds().entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
