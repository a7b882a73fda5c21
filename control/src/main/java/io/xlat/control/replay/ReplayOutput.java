package io.xlat.control.replay;

import io.xlat.core.translate.PacketSink;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapWriter;
import io.xlat.tunio.pcap.PcapngWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Where a replay's output goes: classic pcap (the default), or pcapng, optionally with a comment per packet.
 * Comments are only known once the translator has finished with an input packet (was it dropped, with an ICMP
 * error sent back?), so in annotated mode the packets of one input are held until {@link #finish}.
 */
final class ReplayOutput {

    /** Room for everything one input can produce: a 64 KB packet cut into IPv6 fragments, plus an ICMP error. */
    private static final int HELD_BYTES = 4 * PcapReplay.MAX_IP_PACKET;
    private static final int HELD_PACKETS = 256;

    private final Path path;
    private final PcapWriter pcap;
    private final PcapngWriter pcapng;
    private final boolean annotate;
    private final UnsafeBuffer held;
    private final int[] heldOffset;
    private final int[] heldLength;
    private final boolean[] heldForward;
    private int heldCount;
    private int heldEnd;
    private long inputNumber;
    private long timestampNanos;

    /** A sink that writes (or holds) each packet, counting them. */
    final class Sink implements PacketSink {
        private final boolean forward;
        long count;

        Sink(boolean forward) {
            this.forward = forward;
        }

        @Override
        public void emit(DirectBuffer buffer, int offset, int length) {
            count++;
            if (annotate) {
                hold(forward, buffer, offset, length);
                return;
            }
            try {
                if (pcap != null) {
                    pcap.write(buffer, offset, length, timestampNanos);
                } else {
                    pcapng.write(0, buffer, offset, length, timestampNanos, null);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private ReplayOutput(Path path, PcapWriter pcap, PcapngWriter pcapng, boolean annotate) {
        this.path = path;
        this.pcap = pcap;
        this.pcapng = pcapng;
        this.annotate = annotate;
        this.held = annotate ? new UnsafeBuffer(ByteBuffer.allocateDirect(HELD_BYTES)) : null;
        this.heldOffset = annotate ? new int[HELD_PACKETS] : null;
        this.heldLength = annotate ? new int[HELD_PACKETS] : null;
        this.heldForward = annotate ? new boolean[HELD_PACKETS] : null;
    }

    /** pcapng when asked for ({@code --annotate}) or when the name ends in {@code .pcapng}. */
    static ReplayOutput create(Path path, boolean annotate, boolean nanos) throws IOException {
        final boolean ng = annotate || path.getFileName().toString().endsWith(".pcapng");
        if (!ng) {
            return new ReplayOutput(path, PcapWriter.create(path, LinkType.RAW, nanos), null, false);
        }
        final PcapngWriter writer = PcapngWriter.create(path, nanos, "xlat replay");
        try {
            writer.addInterface(LinkType.RAW);
        } catch (IOException e) {
            PcapReplay.closeQuietly(writer);
            throw e;
        }
        return new ReplayOutput(path, null, writer, annotate);
    }

    Sink sink(boolean forward) {
        return new Sink(forward);
    }

    /** The next packets come from input record {@code number}. */
    void start(long number, long timestampNanos) {
        this.inputNumber = number;
        this.timestampNanos = timestampNanos;
        heldCount = 0;
        heldEnd = 0;
    }

    private void hold(boolean forward, DirectBuffer buffer, int offset, int length) {
        if (heldCount == HELD_PACKETS || heldEnd + length > HELD_BYTES) {
            // more than any input can produce; write what is held so that nothing is lost, without a reason
            finish(null, null);
        }
        held.putBytes(heldEnd, buffer, offset, length);
        heldOffset[heldCount] = heldEnd;
        heldLength[heldCount] = length;
        heldForward[heldCount] = forward;
        heldCount++;
        heldEnd += length;
    }

    /** Writes the packets held for the current input with their comments (annotated mode only). */
    void finish(String tenant, String dropReason) {
        if (!annotate) {
            return;
        }
        final String who = tenant == null ? "global" : "tenant " + tenant;
        try {
            for (int i = 0; i < heldCount; i++) {
                final String what = heldForward[i] ? "translated"
                    : dropReason != null ? "ICMP error sent by xlat (input dropped: " + dropReason + ")"
                    : "hairpinned back (RFC 7757 section 4.2)";
                pcapng.write(0, held, heldOffset[i], heldLength[i], timestampNanos,
                    "input packet " + inputNumber + "; " + who + "; " + what);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        heldCount = 0;
        heldEnd = 0;
    }

    void close() throws IOException {
        if (pcap != null) {
            pcap.close();
        } else {
            pcapng.close();
        }
    }

    /** Closes and removes a half-written file. */
    void abandon() {
        PcapReplay.closeQuietly(pcap != null ? pcap : pcapng);
        PcapReplay.deleteQuietly(path);
    }
}
