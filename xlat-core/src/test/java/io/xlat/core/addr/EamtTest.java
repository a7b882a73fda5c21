package io.xlat.core.addr;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EamtTest {

    private static EamEntry eam(String ipv4, String ipv6) {
        return new EamEntry(Ipv4Prefix.parse(ipv4), Ipv6Prefix.parse(ipv6));
    }

    /** The IPv6 text for an IPv4 address, or "none". */
    private static String map46(Eamt eamt, String ipv4Text) {
        final int ipv4 = Ipv4Addresses.parse(ipv4Text);
        final int entry = eamt.find4(ipv4);
        return entry == Eamt.NOT_FOUND ? "none"
            : Ipv6Addresses.format(eamt.map46Hi(entry, ipv4), eamt.map46Lo(entry, ipv4));
    }

    /** The IPv4 text for an IPv6 address, or "none". */
    private static String map64(Eamt eamt, String ipv6Text) {
        final long[] a = Ipv6Addresses.parse(ipv6Text);
        final int entry = eamt.find6(a[0], a[1]);
        return entry == Eamt.NOT_FOUND ? "none" : Ipv4Addresses.format(eamt.map64(entry, a[0], a[1]));
    }

    @Test
    void shouldPreferLongestIpv4PrefixWhenTranslating46() {
        final Eamt eamt = new Eamt(List.of(
            eam("192.0.2.0/24", "2001:db8:a::/120"),
            eam("192.0.2.128/25", "2001:db8:b::/121"),
            eam("192.0.2.129", "2001:db8:c::1")));

        assertEquals("2001:db8:a::5", map46(eamt, "192.0.2.5"));
        assertEquals("2001:db8:b::2", map46(eamt, "192.0.2.130"));
        assertEquals("2001:db8:c::1", map46(eamt, "192.0.2.129"));
        assertEquals("2001:db8:b::7f", map46(eamt, "192.0.2.255"));
        assertEquals("none", map46(eamt, "192.0.3.1"));
    }

    @Test
    void shouldPreferLongestIpv6PrefixWhenTranslating64() {
        final Eamt eamt = new Eamt(List.of(
            eam("198.51.100.0/24", "2001:db8::/120"),
            eam("203.0.113.7", "2001:db8::5"),
            eam("203.0.113.16/28", "2001:db8::10/124")));

        assertEquals("203.0.113.7", map64(eamt, "2001:db8::5"));
        assertEquals("198.51.100.6", map64(eamt, "2001:db8::6"));
        assertEquals("203.0.113.17", map64(eamt, "2001:db8::11"));
        assertEquals("198.51.100.32", map64(eamt, "2001:db8::20"));
        assertEquals("none", map64(eamt, "2001:db8::1:0"));
    }

    @Test
    void shouldTranslateEqualSuffixesBitForBit() {
        final Eamt eamt = new Eamt(List.of(eam("203.0.113.8/29", "2001:db8:cccc::/125")));

        assertEquals("2001:db8:cccc::", map46(eamt, "203.0.113.8"));
        assertEquals("2001:db8:cccc::1", map46(eamt, "203.0.113.9"));
        assertEquals("2001:db8:cccc::7", map46(eamt, "203.0.113.15"));
        assertEquals("203.0.113.12", map64(eamt, "2001:db8:cccc::4"));
        assertEquals("none", map46(eamt, "203.0.113.16"));
        assertEquals("none", map64(eamt, "2001:db8:cccc::8"));
    }

    @Test
    void shouldCopyIpv4SuffixRightAfterShorterIpv6Prefix() {
        final Eamt eamt = new Eamt(List.of(
            eam("192.0.2.0/24", "2001:db8::/32"),
            eam("198.51.100.128/26", "2001:db8:dddd::/64")));

        // the 8 suffix bits of 192.0.2.4 land in bits 32-39, the rest of the IPv6 suffix is zero
        assertEquals("2001:db8:400::", map46(eamt, "192.0.2.4"));
        // 150 - 128 = 22 = 0b010110 lands in bits 64-69: 0x58 in byte 8
        assertEquals("2001:db8:dddd:0:5800::", map46(eamt, "198.51.100.150"));
    }

    @Test
    void shouldIgnoreIpv6SuffixBitsBeyondTheIpv4SuffixWhenTranslating64() {
        final Eamt eamt = new Eamt(List.of(
            eam("192.0.2.0/24", "2001:db8::/32"),
            eam("198.51.100.128/26", "2001:db8:dddd::/64")));

        assertEquals("192.0.2.4", map64(eamt, "2001:db8:4ff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals("192.0.2.4", map64(eamt, "2001:db8:400::"));
        assertEquals("198.51.100.150", map64(eamt, "2001:db8:dddd:0:5bff:ffff:ffff:ffff"));
    }

    @Test
    void shouldPlaceSuffixAcrossTheHalvesOfTheIpv6Address() {
        // an IPv4 /8 on an IPv6 /56: the 24 suffix bits fill bits 56-79, across the hi/lo boundary at bit 64
        final Eamt eamt = new Eamt(List.of(eam("10.0.0.0/8", "2001:db8:0:ab00::/56")));

        assertEquals("2001:db8:0:ab12:3456::", map46(eamt, "10.18.52.86"));
        assertEquals("10.18.52.86", map64(eamt, "2001:db8:0:ab12:3456::"));
    }

    @Test
    void shouldTranslateWithZeroLengthPrefixes() {
        final Eamt everything = new Eamt(List.of(eam("0.0.0.0/0", "::/0")));
        assertEquals("102:304::", map46(everything, "1.2.3.4"));
        assertEquals("1.2.3.4", map64(everything, "102:304:ffff::1"));

        final Eamt defaultRoute = new Eamt(List.of(
            eam("0.0.0.0/0", "2001:db8:64::/96"),
            eam("192.0.2.1", "2001:db8:a::1")));
        assertEquals("2001:db8:64::808:808", map46(defaultRoute, "8.8.8.8"));
        assertEquals("2001:db8:a::1", map46(defaultRoute, "192.0.2.1"));
    }

    @Test
    void shouldFindNothingInEmptyTable() {
        final Eamt eamt = Eamt.empty();

        assertTrue(eamt.isEmpty());
        assertEquals(Eamt.NOT_FOUND, eamt.find4(0));
        assertEquals(Eamt.NOT_FOUND, eamt.find6(0, 0));
        assertFalse(eamt.contains4(-1));
    }

    @Test
    void shouldAcceptOverlappingButDifferentPrefixes() {
        assertEquals(List.of(), Eamt.validate(List.of(
            eam("192.0.2.0/24", "2001:db8:a::/120"),
            eam("192.0.2.0/25", "2001:db8:a::/121"),
            eam("192.0.2.0/32", "2001:db8:a::/128"))));
    }

    @Test
    void shouldReportDuplicateEntry() {
        final List<String> errors = Eamt.validate(List.of(
            eam("192.0.2.0/24", "2001:db8:a::/120"),
            eam("192.0.2.0/24", "2001:db8:a::/120")));

        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("eamt[1] ") && errors.get(0).contains("duplicate of eamt[0]"),
            errors.get(0));
    }

    @Test
    void shouldReportIpv4PrefixMappedTwice() {
        final List<String> errors = Eamt.validate(List.of(
            eam("192.0.2.0/24", "2001:db8:a::/120"),
            eam("192.0.2.0/24", "2001:db8:b::/120")));

        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("IPv4 prefix 192.0.2.0/24 is already mapped by eamt[0]"), errors.get(0));
    }

    @Test
    void shouldReportIpv6PrefixMappedTwice() {
        final List<String> errors = Eamt.validate(List.of(
            eam("192.0.2.0/24", "2001:db8:a::/120"),
            eam("198.51.100.0/24", "2001:db8:a::/120")));

        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("IPv6 prefix 2001:db8:a::/120 is already mapped by eamt[0]"),
            errors.get(0));
    }

    @Test
    void shouldReportIpv4SuffixLongerThanIpv6Suffix() {
        final List<String> errors = Eamt.validate(List.of(eam("192.0.2.0/24", "2001:db8::/124")));

        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("IPv4 suffix (8 bits) is longer than the IPv6 suffix (4 bits)"),
            errors.get(0));
    }

    @Test
    void shouldRefuseToBuildFromInvalidEntries() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Eamt(List.of(
            eam("192.0.2.0/24", "2001:db8:a::/120"),
            eam("192.0.2.0/24", "2001:db8:a::/120"))));

        assertTrue(e.getMessage().contains("duplicate of eamt[0]"), e.getMessage());
    }

    @Test
    void shouldBuildAndLookUpOneHundredThousandEntries() {
        final int count = 100_000;
        final List<EamEntry> entries = new ArrayList<>(count + 2);
        final int base4 = Ipv4Addresses.parse("10.0.0.0");
        final long base6Hi = 0x2001_0DB8_0000_0000L;
        for (int i = 0; i < count; i++) {
            // /32 <-> /128 pairs whose IPv6 side spreads over both halves of the address
            entries.add(new EamEntry(new Ipv4Prefix(base4 + i, 32), new Ipv6Prefix(base6Hi | (i >>> 8), (i & 0xFF) << 4, 128)));
        }
        entries.add(eam("10.0.0.0/8", "2001:db8:ffff::/104"));
        entries.add(eam("0.0.0.0/0", "2001:db8:eeee::/96"));
        final Eamt eamt = new Eamt(entries);

        assertEquals(count + 2, eamt.size());
        for (int i = 0; i < count; i++) {
            final int ipv4 = base4 + i;
            final int entry = eamt.find4(ipv4);
            assertEquals(i, entry, "entry for " + Ipv4Addresses.format(ipv4));
            final long hi = eamt.map46Hi(entry, ipv4);
            final long lo = eamt.map46Lo(entry, ipv4);
            assertEquals(base6Hi | (i >>> 8), hi);
            assertEquals((i & 0xFF) << 4, lo);
            assertEquals(i, eamt.find6(hi, lo));
            assertEquals(ipv4, eamt.map64(eamt.find6(hi, lo), hi, lo));
        }
        // past the /32 entries the /8 takes over, outside it the /0
        assertEquals("2001:db8:ffff::ff:ffff", map46(eamt, "10.255.255.255"));
        assertEquals("2001:db8:eeee::b00:1", map46(eamt, "11.0.0.1"));
        assertEquals("none", map64(eamt, "2001:db8::1"));
    }
}
