package io.xlat.core.translate;

import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two translators with the same configuration are inverse to each other (RFC 7915 sections 4 and 5): IPv4 to
 * IPv6 and back gives the original packet except for the fields the RFC says change (TTL, Identification and
 * DF of unfragmented packets, the header checksum), and the same holds from IPv6.
 */
class RoundTripPropertyTest {

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("2001:db8:64::/96", "2001:db8:100::/40", "2001:db8::/32", "2001:db8:1:2::/64",
            "2001:db8:1:200::/56", "2001:db8:1::/48");
    }

    /**
     * Unicast IPv4 addresses a translator forwards: not 0/8, 127/8 (RFC 1812 5.3.7), 169.254/16 (RFC 3927 7),
     * multicast or reserved, each of which is dropped by its own named reason and tested on its own.
     */
    private static Arbitrary<Integer> forwardedIpv4Addresses() {
        return Arbitraries.longs().between(0x01000000L, 0xDFFFFFFFL).map(Long::intValue)
            .filter(a -> (a >>> 24) != 127 && (a >>> 16) != 0xA9FE);
    }

    @Provide
    Arbitrary<byte[]> ipv4Packets() {
        final Arbitrary<Integer> address = forwardedIpv4Addresses();
        final Arbitrary<Integer> protocol = Arbitraries.of(6, 17, 1, 47, 132);
        return Combinators.combine(address, address, protocol, Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(3, 255), Arbitraries.integers().between(0, 1200),
                Arbitraries.of(0, 0x4000), Arbitraries.integers().between(0, 0xFFFF))
            .as((src, dst, proto, tos, ttl, length, df, id) -> {
                final byte[] payload = Packets.bytes(length, src ^ dst);
                final Packets.Ipv4 builder = Packets.ipv4().tos(tos).ttl(ttl).flags(df).id(id);
                builder.src(io.xlat.core.addr.Ipv4Addresses.format(src)).dst(io.xlat.core.addr.Ipv4Addresses.format(dst));
                switch (proto) {
                    case 6 -> builder.tcp(Packets.tcp(src & 0xFFFF, dst & 0xFFFF, payload));
                    case 17 -> builder.udp(Packets.udp(src & 0xFFFF, dst & 0xFFFF, payload));
                    case 1 -> builder.icmp(Packets.icmp((id & 1) == 0 ? 8 : 0, 0, id, payload));
                    default -> builder.payload(proto, payload);
                }
                return builder.build();
            });
    }

    @Property(tries = 500)
    void ipv4ToIpv6AndBackGivesTheOriginal(@ForAll("ipv4Packets") byte[] original, @ForAll("prefixes") String prefix) {
        final TranslatorConfig config = Harness.config().pool6(Ipv6Prefix.parse(prefix)).build();
        final byte[] ipv6 = new Harness(config).one(original);
        final byte[] back = new Harness(config).one(ipv6);

        assertEquals(original.length, back.length);
        assertEquals((original[8] & 0xFF) - 2, back[8] & 0xFF, "TTL down by two hops");
        assertTrue(Packets.headerChecksumValid4(back));
        final boolean unfragmentedSmall = original.length <= 1260;
        assertEquals(unfragmentedSmall ? 0 : 0x40, back[6] & 0xFF, "DF by the 1260-byte rule of RFC 7915 5.1");
        // Everything else is identical: version/IHL, TOS, length, protocol, addresses and the whole payload
        // including the transport checksum.
        assertArrayEquals(Arrays.copyOfRange(original, 0, 4), Arrays.copyOfRange(back, 0, 4));
        assertEquals(original[9], back[9]);
        assertArrayEquals(Arrays.copyOfRange(original, 12, original.length), Arrays.copyOfRange(back, 12, back.length));
    }

    @Provide
    Arbitrary<byte[]> ipv6Packets() {
        final Arbitrary<Integer> address = forwardedIpv4Addresses();
        return Combinators.combine(address, address, Arbitraries.of(6, 17, 58, 47),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(3, 255),
                Arbitraries.integers().between(0, 1400))
            .as((src, dst, proto, tc, hop, length) -> {
                final byte[] payload = Packets.bytes(length, src - dst);
                final Packets.Ipv6 builder = Packets.ipv6().trafficClass(tc).hopLimit(hop)
                    .src("2001:db8:64::" + Integer.toHexString(src >>> 16) + ":" + Integer.toHexString(src & 0xFFFF))
                    .dst("2001:db8:64::" + Integer.toHexString(dst >>> 16) + ":" + Integer.toHexString(dst & 0xFFFF));
                switch (proto) {
                    case 6 -> builder.tcp(Packets.tcp(src & 0xFFFF, dst & 0xFFFF, payload));
                    case 17 -> builder.udp(Packets.udp(src & 0xFFFF, dst & 0xFFFF, payload));
                    case 58 -> builder.icmpv6(Packets.icmp(128 + (src & 1), 0, dst, payload));
                    default -> builder.payload(proto, payload);
                }
                return builder.build();
            });
    }

    @Property(tries = 500)
    void ipv6ToIpv4AndBackGivesTheOriginal(@ForAll("ipv6Packets") byte[] original) {
        final TranslatorConfig config = Harness.config().build();
        final byte[] ipv4 = new Harness(config).one(original);
        final byte[] back = new Harness(config).one(ipv4);

        assertEquals(original.length, back.length);
        assertEquals((original[7] & 0xFF) - 2, back[7] & 0xFF, "hop limit down by two hops");
        assertEquals(original[1] & 0xF0, back[1] & 0xF0, "traffic class kept");
        assertEquals(0, ((back[1] & 0x0F) << 16) | ((back[2] & 0xFF) << 8) | (back[3] & 0xFF), "flow label zeroed");
        assertArrayEquals(Arrays.copyOfRange(original, 4, 7), Arrays.copyOfRange(back, 4, 7));
        assertArrayEquals(Arrays.copyOfRange(original, 8, original.length), Arrays.copyOfRange(back, 8, back.length));
    }
}
