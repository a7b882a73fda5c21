package io.xlat.control.replay;

import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.pcap.LinkLayerDecoder;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapFormatException;
import io.xlat.tunio.pcap.PcapReader;
import io.xlat.tunio.pcap.PcapWriter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Feeds every IP packet of a pcap file through a translator, in order, and writes everything it emits (the
 * translated packets and the ICMP errors it originates, interleaved as emitted) to a raw-IP pcap file with the
 * timestamp of the input packet. The loop allocates nothing per packet.
 */
public final class PcapReplay {

    /** The largest IP packet: the 16-bit IPv4 Total Length / IPv6 Payload Length. */
    public static final int MAX_IP_PACKET = 65535;

    /** What translates one packet: the core {@link Translator} in production, a fake in tests. */
    public interface Step {
        int translate(MutableDirectBuffer buffer, int offset, int length, long nowNanos, PacketSink forward,
            PacketSink back);
    }

    /** Counts of one replay. */
    public static final class Summary {
        public long packetsIn;
        public long translatedOut;
        public long icmpErrorsOut;
        public long skippedNotIp;
        public long skippedTruncatedLinkHeader;
        public long skippedTooLong;
        public long nanos;

        public long packetsOut() {
            return translatedOut + icmpErrorsOut;
        }

        public long skipped() {
            return skippedNotIp + skippedTruncatedLinkHeader + skippedTooLong;
        }
    }

    /** A failure while replaying, with the input record it happened at. */
    public static final class ReplayException extends IOException {
        public ReplayException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes each emitted packet with the current input timestamp. */
    private static final class RecordSink implements PacketSink {
        private final PcapWriter writer;
        long timestampNanos;
        long count;

        RecordSink(PcapWriter writer) {
            this.writer = writer;
        }

        @Override
        public void emit(DirectBuffer buffer, int offset, int length) {
            try {
                writer.write(buffer, offset, length, timestampNanos);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            count++;
        }
    }

    private PcapReplay() {
    }

    /**
     * @throws PcapFormatException when the input is not a readable pcap file or has an unsupported link type
     * @throws ReplayException     when the translator fails on a packet (the message names the record)
     * @throws IOException         when a file cannot be read or written
     */
    public static Summary replay(Path input, Path output, Step step) throws IOException {
        final Summary summary = new Summary();
        final long start = System.nanoTime();
        try (PcapReader reader = open(input)) {
            final PcapWriter writer = PcapWriter.create(output, LinkType.RAW, reader.nanosecondPrecision());
            boolean complete = false;
            try {
                loop(reader, writer, step, summary);
                writer.close();
                complete = true;
            } catch (UncheckedIOException e) {
                throw new IOException(output + ": " + describe(e.getCause()), e.getCause());
            } finally {
                if (!complete) {
                    // a half-written capture looks like a complete one to the next tool: remove it
                    closeQuietly(writer);
                    Files.deleteIfExists(output);
                }
            }
        }
        summary.nanos = System.nanoTime() - start;
        return summary;
    }

    /** Opens a capture and checks that its link type can be decoded, before anything is created or built. */
    public static PcapReader open(Path input) throws IOException {
        final PcapReader reader = PcapReader.open(input);
        if (!LinkType.isSupported(reader.linkType())) {
            reader.close();
            throw new PcapFormatException(input + ": link type " + reader.linkType() + " is not supported (supported: "
                + LinkType.supportedList() + ")");
        }
        return reader;
    }

    /** An exception as one line: its message, or its type when it has none. */
    private static String describe(Throwable e) {
        final String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(PcapWriter writer) {
        try {
            writer.close();
        } catch (IOException | RuntimeException ignored) {
            // the original failure is the one to report
        }
    }

    private static void loop(PcapReader reader, PcapWriter writer, Step step, Summary summary) throws IOException {
        final int headroom = Translator.HEADROOM;
        // IPv4 to IPv6 grows the header in front of the packet (headroom) and fragmentation may need room after
        final UnsafeBuffer work = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_IP_PACKET + 1 + 2 * headroom));
        final LinkLayerDecoder decoder = new LinkLayerDecoder();
        final RecordSink forward = new RecordSink(writer);
        final RecordSink back = new RecordSink(writer);
        final int linkType = reader.linkType();
        final DirectBuffer in = reader.buffer();
        while (reader.next() >= 0) {
            summary.packetsIn++;
            final int verdict = decoder.decode(linkType, in, reader.offset(), reader.length());
            if (verdict == LinkLayerDecoder.NOT_IP) {
                summary.skippedNotIp++;
                continue;
            }
            if (verdict == LinkLayerDecoder.TRUNCATED) {
                summary.skippedTruncatedLinkHeader++;
                continue;
            }
            final int length = decoder.ipLength();
            if (length > MAX_IP_PACKET) {
                summary.skippedTooLong++;
                continue;
            }
            work.putBytes(headroom, in, decoder.ipOffset(), length);
            final long now = reader.timestampNanos();
            forward.timestampNanos = now;
            back.timestampNanos = now;
            try {
                step.translate(work, headroom, length, now, forward, back);
            } catch (UncheckedIOException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ReplayException(reader.path() + ": record " + reader.recordCount()
                    + ": translator failed: " + e, e);
            }
        }
        summary.translatedOut = forward.count;
        summary.icmpErrorsOut = back.count;
    }

    /** The production step: one core translator. */
    public static Step translatorStep(Translator translator) {
        return translator::translate;
    }

    /**
     * IPv4 packets as if they had come in on tenant {@code tenantIndex}'s device; everything else (IPv6, which
     * the core demultiplexes by destination prefix, and garbage) through the global entry point.
     */
    public static Step tenantStep(Translator translator, int tenantIndex) {
        return new Step() {
            @Override
            public int translate(MutableDirectBuffer buffer, int offset, int length, long nowNanos, PacketSink forward,
                PacketSink back) {
                if (length > 0 && ((buffer.getByte(offset) >> 4) & 0xF) == 4) {
                    return translator.translateFromTenant(tenantIndex, buffer, offset, length, nowNanos, forward, back);
                }
                return translator.translate(buffer, offset, length, nowNanos, forward, back);
            }
        };
    }
}
