package io.xlat.core.fuzz;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.core.tenant.TenantTable;
import io.xlat.core.testing.Harness;
import io.xlat.core.testing.Packets;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The invariants every fuzz input is held to, whatever its bytes. An input is a scenario byte, a flags byte and
 * the packet: the scenario picks the configuration (plain SIIT; EAM with intrinsic hairpinning and RFC 6791
 * pools; tenants reached from the IPv6 side or the global IPv4 path; tenants sending from their own device), the
 * flags pick the tenant and whether the packet is a TCP super-packet (the TUN offload path). Then:
 * <ul>
 * <li>nothing throws, with Agrona's bounds checks on: a read or write outside the packet's buffer fails;</li>
 * <li>the input is emitted, or counted under exactly one drop reason (an ICMP error sent back counts its
 *     reason too; a packet emitted forward counts none);</li>
 * <li>every emitted packet parses in pcap4j, an independent decoder, with its length fields matching the bytes
 *     and a valid IPv4 header checksum; ICMP errors the translator builds carry valid checksums; a translated
 *     TCP, UDP or ICMP packet carries a valid checksum whenever the input's was valid;</li>
 * <li>an unfragmented TCP or UDP packet translated with plain SIIT translates back to the same addresses,
 *     protocol and transport bytes.</li>
 * </ul>
 * A failure throws AssertionError with what was seen, which Jazzer reports as a finding with its input.
 */
final class TranslationOracle {

    static final int SCENARIOS = 4;

    private final Translator[] translators = new Translator[SCENARIOS];
    private final Translator mirror;
    private final UnsafeBuffer buffer = Packets.direct(70_000 + Translator.HEADROOM);
    private final UnsafeBuffer mirrorBuffer = Packets.direct(70_000 + Translator.HEADROOM);
    private final List<byte[]> forward = new ArrayList<>();
    private final List<byte[]> back = new ArrayList<>();
    private final PacketSink forwardSink = (b, o, l) -> forward.add(copy(b, o, l));
    private final PacketSink backSink = (b, o, l) -> back.add(copy(b, o, l));
    private long now = 1_000_000_000L;

    TranslationOracle() {
        if (!UnsafeBuffer.SHOULD_BOUNDS_CHECK) {
            throw new IllegalStateException("Agrona bounds checks are off (agrona.disable.bounds.checks)");
        }
        translators[0] = new Translator(Harness.config().build(), new DropCounters());
        translators[1] = new Translator(Harness.config()
            .eamt(List.of(eam("192.0.2.0/24", "2001:db8:2::/120"), eam("198.51.100.0/24", "2001:db8:3::/120"),
                eam("203.0.113.128/25", "2001:db8:4::/121")))
            .pool6791v4(List.of(Ipv4Prefix.parse("192.0.0.8/32")))
            .pool6791v6(List.of(Ipv6Prefix.parse("2001:db8:ffff:6791::/64")))
            .hairpin(TranslatorConfig.Hairpin.INTRINSIC)
            .build(), new DropCounters());
        final TenantTable tenants = new TenantTable(List.of(
            new TenantConfig("blue", Ipv6Prefix.parse("2001:db8:100:1::/96"), List.of(Ipv4Prefix.parse("10.0.0.0/25")),
                "xb-blue", null, List.of(eam("100.64.0.10/32", "2001:db8:5::10/128"))),
            new TenantConfig("red", Ipv6Prefix.parse("2001:db8:100:2::/96"), List.of(Ipv4Prefix.parse("10.0.0.0/25")),
                "xb-red", null, List.of())));
        for (int i = 2; i < SCENARIOS; i++) {
            translators[i] = new Translator(Harness.config()
                .pool6791v4(List.of(Ipv4Prefix.parse("192.0.0.8/32"))).build(), new DropCounters());
            translators[i].tenants(tenants);
        }
        mirror = new Translator(Harness.config().build(), new DropCounters());
    }

    private static EamEntry eam(String v4, String v6) {
        return new EamEntry(Ipv4Prefix.parse(v4), Ipv6Prefix.parse(v6));
    }

    /** Runs one input through its scenario and checks every invariant; throws AssertionError on a violation. */
    void check(byte[] input) {
        if (input.length < 2) {
            return;
        }
        final int scenario = (input[0] & 0xFF) % SCENARIOS;
        final int flags = input[1] & 0xFF;
        final int length = input.length - 2;
        final Translator t = translators[scenario];
        final boolean superPacket = (flags & 0x80) != 0;
        forward.clear();
        back.clear();
        now += 1_000_000; // 1 ms per packet: the ICMP rate limit refills as in real time
        buffer.putBytes(Translator.HEADROOM, input, 2, length);
        final long dropsBefore = drops(t);
        if (superPacket) {
            // a TCP super-packet read with offloads: cut into segments of 536 to 9000 TCP bytes after translation
            t.nextIsSuperPacket(536 + (flags & 0x7F) * 66);
        }
        final int emitted = scenario == 3
            ? t.translateFromTenant(flags & 1, buffer, Translator.HEADROOM, length, now, forwardSink, backSink)
            : t.translate(buffer, Translator.HEADROOM, length, now, forwardSink, backSink);
        final long dropped = drops(t) - dropsBefore;
        final byte[] packet = Arrays.copyOfRange(input, 2, input.length);

        check(emitted == forward.size() + back.size(), "returned " + emitted + " but emitted "
            + forward.size() + " forward and " + back.size() + " back", packet);
        if (emitted == 0) {
            check(dropped == 1, "nothing emitted but " + dropped + " drop reasons counted", packet);
        } else if (!forward.isEmpty()) {
            check(dropped == 0, "emitted forward and also counted " + dropped + " drops", packet);
        } else {
            check(dropped <= 1, "sent back and counted " + dropped + " drops", packet);
        }

        final Validity in = Validity.of(packet);
        for (final byte[] out : forward) {
            final Validity v = wellFormed(out, packet);
            if (!superPacket && in.transportValid && in.transportChecked && v.transportChecked) {
                check(v.transportValid, "the input's transport checksum was valid, the output's is not", out);
            }
        }
        for (final byte[] out : back) {
            final Validity v = wellFormed(out, packet);
            // an error we build is summed from scratch; only a hairpinned ICMP packet keeps a bad input checksum
            if (v.icmp && v.transportChecked && !(in.icmp && !in.transportValid)) {
                check(v.transportValid, "an ICMP error we built has a bad checksum", out);
            }
        }
        if (scenario == 0 && !superPacket && forward.size() == 1 && in.roundTrippable) {
            roundTrip(packet, forward.get(0));
        }
    }

    private static long drops(Translator t) {
        long sum = t.counters().totalDrops();
        for (int i = 0; i < t.tenants().size(); i++) {
            sum += t.tenantCounters(i).totalDrops();
        }
        return sum;
    }

    /** Translating the output back with the same configuration gives the original addresses and transport bytes. */
    private void roundTrip(byte[] original, byte[] translated) {
        forward.clear();
        back.clear();
        mirrorBuffer.putBytes(Translator.HEADROOM, translated);
        mirror.translate(mirrorBuffer, Translator.HEADROOM, translated.length, now, forwardSink, backSink);
        if (forward.size() != 1) {
            return; // e.g. the hop limit ran out on the way back: not a mapping question
        }
        final byte[] again = forward.get(0);
        final Validity a = Validity.of(original);
        final Validity b = Validity.of(again);
        check(Arrays.equals(a.source, b.source) && Arrays.equals(a.destination, b.destination),
            "round trip changed the addresses", again);
        check(a.protocol == b.protocol, "round trip changed the protocol", again);
        // the checksum field may change between 0x0000 and 0xFFFF, the two one's-complement forms of one sum
        // (RFC 1624 section 3): the translator writes the canonical one, the input may carry the other
        check(Arrays.equals(withoutChecksum(a), withoutChecksum(b)), "round trip changed the transport bytes", again);
        check(b.transportValid, "round trip made the transport checksum invalid", again);
    }

    private static byte[] withoutChecksum(Validity v) {
        final byte[] t = v.transport.clone();
        final int at = v.protocol == 6 ? 16 : 6; // TCP or UDP: only those are round-tripped
        if (t.length >= at + 2) {
            t[at] = 0;
            t[at + 1] = 0;
        }
        return t;
    }

    /** Parses an emitted packet with pcap4j and checks its lengths and header checksum. */
    private static Validity wellFormed(byte[] out, byte[] input) {
        try {
            return parsed(out, input);
        } catch (RuntimeException e) {
            // pcap4j throws IllegalArgumentException or NullPointerException (not IllegalRawDataException) for
            // some malformed packets quoted inside an ICMP error, which the error rightly carries as received:
            // check the outer packet with the quote blanked
            final byte[] blanked = out.clone();
            final int l4 = ((out[0] >> 4) & 0xF) == 4 ? (out[0] & 0xF) * 4 : 40;
            java.util.Arrays.fill(blanked, Math.min(out.length, l4 + 8), out.length, (byte) 0);
            parsed(blanked, input);
            return Validity.of(out);
        }
    }

    private static Validity parsed(byte[] out, byte[] input) {
        check(out.length >= 20, "emitted " + out.length + " bytes", out);
        final int version = (out[0] >> 4) & 0xF;
        try {
            if (version == 4) {
                final IpV4Packet ip = IpV4Packet.newPacket(out, 0, out.length);
                check(ip.getHeader().getTotalLengthAsInt() == out.length, "IPv4 Total Length "
                    + ip.getHeader().getTotalLengthAsInt() + " for " + out.length + " bytes", out);
                check(ip.getHeader().getIhlAsInt() >= 5, "IPv4 IHL below 5", out);
                check(ip.getHeader().hasValidChecksum(false), "IPv4 header checksum invalid", out);
            } else if (version == 6) {
                final IpV6Packet ip = IpV6Packet.newPacket(out, 0, out.length);
                check(ip.getHeader().getPayloadLengthAsInt() + 40 == out.length, "IPv6 Payload Length "
                    + ip.getHeader().getPayloadLengthAsInt() + " for " + out.length + " bytes", out);
            } else {
                check(false, "emitted IP version " + version, out);
            }
        } catch (IllegalRawDataException e) {
            throw new AssertionError("pcap4j cannot parse an emitted packet (" + e.getMessage() + "): "
                + hex(out) + "\ninput: " + hex(input), e);
        }
        return Validity.of(out);
    }

    private static void check(boolean ok, String what, byte[] packet) {
        if (!ok) {
            throw new AssertionError(what + ": " + hex(packet));
        }
    }

    static String hex(byte[] bytes) {
        final StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    private static byte[] copy(DirectBuffer b, int o, int l) {
        final byte[] out = new byte[l];
        b.getBytes(o, out);
        return out;
    }

    /** What pcap4j makes of a packet: its addresses, transport bytes and whether the transport checksum holds. */
    static final class Validity {
        byte[] source;
        byte[] destination;
        int protocol = -1;
        byte[] transport;
        boolean transportChecked;
        boolean transportValid;
        boolean icmp;
        boolean roundTrippable;

        static Validity of(byte[] packet) {
            final Validity v = new Validity();
            if (packet.length < 1) {
                return v;
            }
            try {
                final int version = (packet[0] >> 4) & 0xF;
                if (version == 4) {
                    final IpV4Packet ip = IpV4Packet.newPacket(packet, 0, packet.length);
                    final IpV4Packet.IpV4Header h = ip.getHeader();
                    v.source = h.getSrcAddr().getAddress();
                    v.destination = h.getDstAddr().getAddress();
                    v.protocol = h.getProtocol().value() & 0xFF;
                    final boolean fragment = h.getMoreFragmentFlag() || h.getFragmentOffset() != 0;
                    v.transport(ip.getPayload(), h.getSrcAddr(), h.getDstAddr(), fragment);
                    v.icmpSum(packet, h.getIhlAsInt() * 4, h.getTotalLengthAsInt(), null);
                    v.roundTrippable = !fragment && h.getIhlAsInt() == 5 && h.getTotalLengthAsInt() == packet.length
                        && (v.protocol == 6 || v.protocol == 17) && v.transportValid;
                } else if (version == 6) {
                    final IpV6Packet ip = IpV6Packet.newPacket(packet, 0, packet.length);
                    final IpV6Packet.IpV6Header h = ip.getHeader();
                    v.source = h.getSrcAddr().getAddress();
                    v.destination = h.getDstAddr().getAddress();
                    v.protocol = h.getNextHeader().value() & 0xFF;
                    // only a packet without extension headers: their payload is the transport header itself
                    final boolean plain = v.protocol == 6 || v.protocol == 17 || v.protocol == 58;
                    v.transport(plain ? ip.getPayload() : null, h.getSrcAddr(), h.getDstAddr(), !plain);
                    v.icmpSum(packet, 40, 40 + h.getPayloadLengthAsInt(), packet);
                    v.roundTrippable = plain && h.getPayloadLengthAsInt() + 40 == packet.length
                        && (v.protocol == 6 || v.protocol == 17) && v.transportValid;
                }
            } catch (IllegalRawDataException | RuntimeException e) {
                // not parseable as a whole: nothing to compare against (the input may be any bytes)
                v.transportChecked = false;
            }
            return v;
        }

        /**
         * pcap4j rebuilds an ICMP error's raw data from the quoted packet it parsed, which loses bytes past the
         * quoted packet's own lengths; then its checksum check sums other bytes than the wire's. For those, the
         * Internet checksum (RFC 1071) is summed here over the bytes as sent, pseudo-header included for ICMPv6.
         */
        private void icmpSum(byte[] packet, int start, int end, byte[] v6) {
            if (!icmp || transport == null || end > packet.length || transport.length == end - start) {
                return;
            }
            long sum = 0;
            if (v6 != null) {
                sum += sum16(packet, 8, 40) + (end - start) + 58;
            }
            sum += sum16(packet, start, end);
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
            transportValid = sum == 0xFFFF;
        }

        private static long sum16(byte[] b, int from, int to) {
            long sum = 0;
            for (int i = from; i < to; i += 2) {
                sum += ((b[i] & 0xFF) << 8) | (i + 1 < to ? b[i + 1] & 0xFF : 0);
            }
            return sum;
        }

        private void transport(Packet payload, InetAddress src, InetAddress dst, boolean fragment) {
            if (payload == null || fragment) {
                return;
            }
            transport = payload.getRawData();
            if (payload instanceof TcpPacket tcp) {
                transportChecked = true;
                transportValid = tcp.hasValidChecksum(src, dst, false);
            } else if (payload instanceof UdpPacket udp) {
                transportChecked = true;
                transportValid = udp.hasValidChecksum(src, dst, true);
            } else if (payload instanceof IcmpV4CommonPacket icmp4) {
                icmp = true;
                transportChecked = true;
                transportValid = icmp4.hasValidChecksum(false);
            } else if (payload instanceof IcmpV6CommonPacket icmp6) {
                icmp = true;
                transportChecked = true;
                transportValid = icmp6.hasValidChecksum((Inet6Address) src, (Inet6Address) dst, false);
            }
        }
    }
}
