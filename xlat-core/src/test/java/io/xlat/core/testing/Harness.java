package io.xlat.core.testing;

import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/** Runs packets through a Translator and collects what it emits, forward and back, as byte arrays. */
public final class Harness {
    public final DropCounters counters = new DropCounters();
    public final Translator translator;
    public final List<byte[]> forward = new ArrayList<>();
    public final List<byte[]> back = new ArrayList<>();
    private final UnsafeBuffer buffer = Packets.direct(70_000);
    private final PacketSink forwardSink = (b, o, l) -> forward.add(copy(b, o, l));
    private final PacketSink backSink = (b, o, l) -> back.add(copy(b, o, l));
    public long now = 1_000_000_000L;

    public Harness(TranslatorConfig config) {
        this.translator = new Translator(config, counters);
    }

    /** The standard test setup: pool6 2001:db8:64::/96, own addresses set, icmp-rate high enough never to limit. */
    public static TranslatorConfig.Builder config() {
        return TranslatorConfig.builder()
            .pool6(io.xlat.core.addr.Ipv6Prefix.parse("2001:db8:64::/96"))
            .ipv4Address(Packets.v4("203.0.113.1"))
            .ipv6Address(io.xlat.core.addr.Ipv6Prefix.parse("2001:db8:ffff::1"))
            .icmpRate(1_000_000);
    }

    public Harness() {
        this(config().build());
    }

    /** Installs tenants; {@link #fromTenant} then attributes IPv4 input to one of them. */
    public Harness tenants(io.xlat.core.tenant.TenantTable table) {
        translator.tenants(table);
        return this;
    }

    /** Sends an IPv4 packet as if it came from tenant {@code index}'s device; returns the number emitted. */
    public int sendFromTenant(int index, byte[] packet) {
        forward.clear();
        back.clear();
        buffer.putBytes(Translator.HEADROOM, packet);
        return translator.translateFromTenant(index, buffer, Translator.HEADROOM, packet.length, now, forwardSink,
            backSink);
    }

    /** Translates one packet; returns the number emitted. */
    public int send(byte[] packet) {
        buffer.putBytes(Translator.HEADROOM, packet);
        return translator.translate(buffer, Translator.HEADROOM, packet.length, now, forwardSink, backSink);
    }

    /** Sends and expects exactly one forwarded packet, which it returns. */
    public byte[] one(byte[] packet) {
        forward.clear();
        back.clear();
        send(packet);
        if (forward.size() != 1 || !back.isEmpty()) {
            throw new AssertionError("expected one forwarded packet, got " + forward.size() + " forward and "
                + back.size() + " back; drops: " + dropSummary());
        }
        return forward.get(0);
    }

    /** Sends and expects exactly one ICMP error back, which it returns. */
    public byte[] error(byte[] packet) {
        forward.clear();
        back.clear();
        send(packet);
        if (back.size() != 1 || !forward.isEmpty()) {
            throw new AssertionError("expected one error back, got " + forward.size() + " forward and "
                + back.size() + " back");
        }
        return back.get(0);
    }

    /** Sends and expects nothing emitted at all. */
    public void nothing(byte[] packet) {
        forward.clear();
        back.clear();
        send(packet);
        if (!forward.isEmpty() || !back.isEmpty()) {
            throw new AssertionError("expected nothing, got " + forward.size() + " forward and " + back.size() + " back");
        }
    }

    /** The nonzero drop counters, for failure messages. */
    public String dropSummary() {
        final StringBuilder sb = new StringBuilder();
        for (final io.xlat.core.drop.DropReason r : io.xlat.core.drop.DropReason.values()) {
            if (counters.drops(r) != 0) {
                sb.append(r.label()).append('=').append(counters.drops(r)).append(' ');
            }
        }
        return sb.toString();
    }

    private static byte[] copy(DirectBuffer b, int o, int l) {
        final byte[] out = new byte[l];
        b.getBytes(o, out);
        return out;
    }
}
