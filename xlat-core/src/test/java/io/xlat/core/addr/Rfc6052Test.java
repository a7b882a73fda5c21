package io.xlat.core.addr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Rfc6052Test {

    private static final int IPV4 = Ipv4Addresses.parse("192.0.2.33");

    private static String embed(String prefixText, int ipv4) {
        final Ipv6Prefix prefix = Ipv6Prefix.parse(prefixText);
        return Ipv6Addresses.format(
            Rfc6052.embedHi(prefix.hi(), prefix.length(), ipv4),
            Rfc6052.embedLo(prefix.lo(), prefix.length(), ipv4));
    }

    private static long extract(String address, int length) {
        final long[] a = Ipv6Addresses.parse(address);
        return Rfc6052.extract(a[0], a[1], length);
    }

    // The six rows of the RFC 6052 section 2.4 example table (IPv4 address 192.0.2.33).

    @Test
    void shouldEmbedIpv4InBits32To63ForPrefix32() {
        assertEquals("2001:db8:c000:221::", embed("2001:db8::/32", IPV4));
    }

    @Test
    void shouldEmbedIpv4AroundUOctetForPrefix40() {
        assertEquals("2001:db8:1c0:2:21::", embed("2001:db8:100::/40", IPV4));
    }

    @Test
    void shouldEmbedIpv4AroundUOctetForPrefix48() {
        assertEquals("2001:db8:122:c000:2:2100::", embed("2001:db8:122::/48", IPV4));
    }

    @Test
    void shouldEmbedIpv4AroundUOctetForPrefix56() {
        assertEquals("2001:db8:122:3c0:0:221::", embed("2001:db8:122:300::/56", IPV4));
    }

    @Test
    void shouldEmbedIpv4AfterUOctetForPrefix64() {
        assertEquals("2001:db8:122:344:c0:2:2100:0", embed("2001:db8:122:344::/64", IPV4));
    }

    @Test
    void shouldEmbedIpv4InLast32BitsForPrefix96() {
        assertEquals("2001:db8:122:344::c000:221", embed("2001:db8:122:344::/96", IPV4));
    }

    @Test
    void shouldEmbedIpv4InWellKnownPrefix() {
        assertEquals("64:ff9b::c000:221", embed("64:ff9b::/96", IPV4));
    }

    @ParameterizedTest
    @CsvSource({
        "2001:db8:c000:221::, 32",
        "2001:db8:1c0:2:21::, 40",
        "2001:db8:122:c000:2:2100::, 48",
        "2001:db8:122:3c0:0:221::, 56",
        "2001:db8:122:344:c0:2:2100:0, 64",
        "2001:db8:122:344::192.0.2.33, 96",
    })
    void shouldExtractIpv4FromRfc6052Examples(String address, int length) {
        assertEquals(IPV4 & 0xFFFF_FFFFL, extract(address, length));
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 40, 48, 56, 64, 96})
    void shouldRoundTripEdgeAddressesForEveryLength(int length) {
        final long prefixHi = 0x2001_0DB8_0A0B_0C0DL & Ipv6Prefix.maskHi(length);
        for (final String text : new String[] {"0.0.0.0", "255.255.255.255", "1.2.3.4", "128.0.0.1", "203.0.113.255"}) {
            final int ipv4 = Ipv4Addresses.parse(text);
            final long hi = Rfc6052.embedHi(prefixHi, length, ipv4);
            final long lo = Rfc6052.embedLo(0, length, ipv4);
            assertEquals(prefixHi, hi & Ipv6Prefix.maskHi(length), "prefix kept for " + text);
            if (length < 96) {
                assertEquals(0, lo >>> 56, "u-octet zero for " + text);
            }
            assertEquals(ipv4 & 0xFFFF_FFFFL, Rfc6052.extract(hi, lo, length), text + " in /" + length);
        }
    }

    @Test
    void shouldIgnoreSuffixBitsWhenExtracting() {
        assertEquals(IPV4 & 0xFFFF_FFFFL, extract("2001:db8:1c0:2:21:ffff:ffff:ffff", 40));
        assertEquals(IPV4 & 0xFFFF_FFFFL, extract("2001:db8:c000:221:ff:ffff:ffff:ffff", 32));
        assertEquals(IPV4 & 0xFFFF_FFFFL, extract("2001:db8:122:344:c0:2:21ff:ffff", 64));
    }

    @ParameterizedTest
    @CsvSource({
        "2001:db8:c000:221:100::, 32",
        "2001:db8:1c0:2:8021::, 40",
        "2001:db8:122:c000:102:2100::, 48",
        "2001:db8:122:3c0:ff00:221::, 56",
        "2001:db8:122:344:1c0:2:2100:0, 64",
    })
    void shouldRefuseExtractionWhenUOctetIsNotZero(String address, int length) {
        assertEquals(Rfc6052.NO_ADDRESS, extract(address, length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/32", "2001:db8:100::/40", "2001:db8:122::/48", "2001:db8:122:300::/56",
        "2001:db8:122:344::/64", "2001:db8:122:344::/96", "64:ff9b::/96", "64:ff9b:1::/48"})
    void shouldAcceptEveryRfc6052Length(String prefix) {
        assertNull(Rfc6052.validatePool6(Ipv6Prefix.parse(prefix)));
    }

    @Test
    void shouldAcceptAbsentPool6() {
        assertNull(Rfc6052.validatePool6(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/33", "::/0", "2001:db8::/80", "2001:db8::/128", "2001:db8::/95"})
    void shouldRejectPool6LengthOutsideRfc6052Set(String prefix) {
        final String error = Rfc6052.validatePool6(Ipv6Prefix.parse(prefix));
        assertNotNull(error);
        assertTrue(error.contains(prefix) && error.contains("32, 40, 48, 56, 64 and 96"), error);
    }

    @Test
    void shouldRejectPool6With96BitPrefixSettingTheUOctet() {
        final String error = Rfc6052.validatePool6(Ipv6Prefix.parse("2001:db8:0:0:100::/96"));
        assertNotNull(error);
        assertTrue(error.contains("u-octet"), error);
    }

    @Test
    void shouldRecogniseOnlyTheExactWellKnownPrefix() {
        assertTrue(Rfc6052.isWellKnownPrefix(Ipv6Prefix.parse("64:ff9b::/96")));
        assertEquals(false, Rfc6052.isWellKnownPrefix(Ipv6Prefix.parse("64:ff9b:1::/96")));
        assertEquals(false, Rfc6052.isWellKnownPrefix(Ipv6Prefix.parse("64:ff9b::/64")));
        assertEquals(false, Rfc6052.isWellKnownPrefix(null));
    }
}
