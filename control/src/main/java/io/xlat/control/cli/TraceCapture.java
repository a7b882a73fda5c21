package io.xlat.control.cli;

import io.xlat.control.explain.PacketExplainer;
import io.xlat.core.drop.DropReason;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapngWriter;
import io.xlat.tunio.trace.TraceBuffer;
import io.xlat.tunio.trace.TraceRecord;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * {@code xlat trace}'s reading side: takes the records of an attached trace ring and writes each traced packet. To
 * pcapng: the packet as it came in, on the interface of its side (IPv4 or IPv6), with a comment giving its tenant,
 * direction and verdict, then what went out, on the interface of its family, commented as its output. To text: one
 * line per packet as {@code xlat explain --pcap} prints them, with the same comment. Single-threaded.
 */
final class TraceCapture implements MessageHandler {

    private final PcapngWriter pcapng;
    private final PrintWriter text;
    private final PacketExplainer explainer;
    private final int ipv4Interface;
    private final int ipv6Interface;
    /** By worker: the packet number of its latest input taken, the one its outputs belong to. */
    private final Map<Integer, Long> lastInput = new HashMap<>();
    private final Map<Integer, String> lastPrefix = new HashMap<>();
    private final byte[] name = new byte[TraceBuffer.MAX_TENANT_NAME];
    private long inputs;
    private long written;
    private long limit = Long.MAX_VALUE;
    private IOException failure;

    /**
     * @param pcapng where the packets go, or null
     * @param text   where the lines go, or null
     */
    TraceCapture(PcapngWriter pcapng, PrintWriter text, PacketExplainer explainer) throws IOException {
        this.pcapng = pcapng;
        this.text = text;
        this.explainer = explainer;
        this.ipv4Interface = pcapng == null ? -1 : pcapng.addInterface(LinkType.IPV4);
        this.ipv6Interface = pcapng == null ? -1 : pcapng.addInterface(LinkType.IPV6);
    }

    /** Takes no more inputs after {@code count} of them (their outputs still come). */
    void limit(long count) {
        this.limit = count;
    }

    boolean full() {
        return inputs >= limit;
    }

    /** Input packets written. */
    long inputs() {
        return inputs;
    }

    /** Packets written, inputs and outputs. */
    long written() {
        return written;
    }

    /** Reads what the ring holds now; returns the number of records read. */
    int poll(TraceBuffer trace) throws IOException {
        final int read = trace.ring().read(this, 256);
        if (failure != null) {
            final IOException e = failure;
            failure = null;
            throw e;
        }
        return read;
    }

    @Override
    public void onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
        if (failure != null) {
            return;
        }
        try {
            if (type == TraceRecord.PACKET_IN) {
                input(buffer, index, length);
            } else if (type == TraceRecord.PACKET_OUT) {
                output(buffer, index, length);
            }
        } catch (IOException e) {
            failure = e; // the ring's reader takes no exceptions: rethrown by poll
        }
    }

    private void input(MutableDirectBuffer b, int at, int length) throws IOException {
        final int worker = b.getInt(at + TraceRecord.WORKER_OFFSET, BIG_ENDIAN);
        if (full()) {
            lastInput.remove(worker);
            return;
        }
        final int nameLength = Math.min(b.getInt(at + TraceRecord.NAME_LENGTH_OFFSET, BIG_ENDIAN), name.length);
        b.getBytes(at + TraceRecord.NAME_OFFSET, name, 0, nameLength);
        final String tenant = b.getInt(at + TraceRecord.TENANT_OFFSET, BIG_ENDIAN) < 0 ? "global"
            : new String(name, 0, nameLength, StandardCharsets.US_ASCII);
        final int packet = at + TraceRecord.IN_HEADER_LENGTH;
        final int packetLength = length - TraceRecord.IN_HEADER_LENGTH;
        final int version = packetLength > 0 ? (b.getByte(packet) >> 4) & 0xF : 0;
        final String prefix = "tenant=" + tenant + " direction=" + (version == 4 ? "46" : version == 6 ? "64" : "-");
        lastInput.put(worker, b.getLong(at + TraceRecord.NUMBER_OFFSET, BIG_ENDIAN));
        lastPrefix.put(worker, prefix);
        inputs++;
        write(b, packet, packetLength, b.getLong(at + TraceRecord.TIME_OFFSET, BIG_ENDIAN), prefix + " in verdict="
            + verdict(b.getInt(at + TraceRecord.REASON_OFFSET, BIG_ENDIAN),
            b.getInt(at + TraceRecord.EMITTED_OFFSET, BIG_ENDIAN)));
    }

    private void output(MutableDirectBuffer b, int at, int length) throws IOException {
        final int worker = b.getInt(at + TraceRecord.WORKER_OFFSET, BIG_ENDIAN);
        final Long input = lastInput.get(worker);
        if (input == null || input != b.getLong(at + TraceRecord.NUMBER_OFFSET, BIG_ENDIAN)) {
            return; // its input did not match the drop-reason filter, or was read before this trace
        }
        write(b, at + TraceRecord.OUT_HEADER_LENGTH, length - TraceRecord.OUT_HEADER_LENGTH,
            b.getLong(at + TraceRecord.TIME_OFFSET, BIG_ENDIAN), lastPrefix.get(worker) + " out");
    }

    /**
     * {@code translated}; {@code dropped reason=R}; or {@code icmp-error reason=R} when the translator counted a
     * drop and still sent something back (the ICMP error it originates); {@code no-output} when nothing went out
     * and no drop was counted (the translator's own ICMP error suppressed by its rate limit, for one).
     */
    static String verdict(int reasonId, int emitted) {
        final DropReason reason = DropReason.byId(reasonId);
        if (reason == null) {
            return emitted == 0 ? "no-output" : "translated";
        }
        return (emitted == 0 ? "dropped" : "icmp-error") + " reason=" + reason.label();
    }

    private void write(MutableDirectBuffer b, int offset, int length, long epochNanos, String comment)
        throws IOException {
        written++;
        final int version = length > 0 ? (b.getByte(offset) >> 4) & 0xF : 0;
        if (pcapng != null) {
            pcapng.write(version == 6 ? ipv6Interface : ipv4Interface, b, offset, length, epochNanos, comment);
        }
        if (text != null) {
            text.println(written + "  " + ExplainCommand.time(epochNanos, false) + "  "
                + explainer.describe(b, offset, length) + "  [" + comment + "]");
        }
    }
}
