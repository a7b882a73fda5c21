package io.xlat.control.replay;

import io.xlat.core.translate.PacketSink;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.pcap.CaptureReader;
import io.xlat.tunio.pcap.LinkLayerDecoder;
import io.xlat.tunio.pcap.LinkType;
import io.xlat.tunio.pcap.PcapFormatException;
import io.xlat.tunio.pcap.PcapReader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Feeds every IP packet of a capture (classic pcap or pcapng) through a translator, in order, and writes
 * everything it emits (the translated packets, hairpinned packets and the ICMP errors it originates, interleaved as
 * emitted) to a raw-IP capture with the timestamp of the input packet. Without annotations the loop allocates
 * nothing per packet.
 *
 * <p>With {@link Options#annotate} each output packet carries a comment naming the input packet it came from and
 * its tenant; with {@link Options#dropped} the input packets that produced no translation are written with the
 * reason as the comment. Both need an {@link Attribution} that can say what the translator did.
 */
public final class PcapReplay {

    /** The largest IP packet: the 16-bit IPv4 Total Length / IPv6 Payload Length. */
    public static final int MAX_IP_PACKET = 65535;

    /** What translates one packet: the core {@link Translator} in production, a fake in tests. */
    public interface Step {
        int translate(MutableDirectBuffer buffer, int offset, int length, long nowNanos, PacketSink forward,
            PacketSink back);
    }

    /** What the translator did with the packet just given to it; asked only when annotating. */
    public interface Attribution {
        /** Called after each translated packet, before the questions below. */
        void observe();

        /** The tenant the last packet belonged to, or null on the global path. */
        String tenant();

        /** Why the last packet was dropped (an ICMP error may still have been sent), or null when it was not. */
        String dropReason();

        /** The RFC section of the drop reason, or null. */
        String dropRfc();
    }

    /**
     * How to write the result.
     *
     * @param annotate    write OUT as pcapng with a comment per packet (input packet number, tenant, why)
     * @param pcapng      write OUT as pcapng (also implied by {@code annotate})
     * @param dropped     where to write the dropped and skipped input packets, as pcapng with the reason; or null
     * @param attribution what the translator did; required with {@code annotate} or {@code dropped}
     */
    public record Options(boolean annotate, boolean pcapng, Path dropped, Attribution attribution) {
        public static final Options PLAIN = new Options(false, false, null, null);

        public Options {
            if ((annotate || dropped != null) && attribution == null) {
                throw new IllegalArgumentException("annotations need an attribution");
            }
        }
    }

    /** Counts of one replay. */
    public static final class Summary {
        public long packetsIn;
        /** Packets emitted forward: translated to the other family. */
        public long translatedOut;
        /** Packets emitted back to the side they came from: ICMP errors xlat originated and hairpinned packets. */
        public long backOut;
        public long skippedNotIp;
        public long skippedTruncatedLinkHeader;
        public long skippedTooLong;
        public long nanos;

        public long packetsOut() {
            return translatedOut + backOut;
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

    private PcapReplay() {
    }

    /** Replays to a classic raw-IP pcap file, without annotations. */
    public static Summary replay(Path input, Path output, Step step) throws IOException {
        return replay(input, output, step, Options.PLAIN);
    }

    /**
     * @throws PcapFormatException when the input is not a readable capture or has an unsupported link type
     * @throws ReplayException     when the translator fails on a packet (the message names the record)
     * @throws IOException         when a file cannot be read or written
     */
    public static Summary replay(Path input, Path output, Step step, Options options) throws IOException {
        final Summary summary = new Summary();
        final long start = System.nanoTime();
        try (CaptureReader reader = open(input)) {
            final ReplayOutput out = ReplayOutput.create(output, options.annotate() || options.pcapng(),
                reader.nanosecondPrecision());
            final DroppedOutput dropped = options.dropped() == null ? null
                : DroppedOutput.create(options.dropped(), reader.nanosecondPrecision());
            boolean complete = false;
            try {
                loop(reader, out, dropped, step, options, summary);
                out.close();
                if (dropped != null) {
                    dropped.close();
                }
                complete = true;
            } catch (UncheckedIOException e) {
                throw new IOException(output + ": " + describe(e.getCause()), e.getCause());
            } finally {
                if (!complete) {
                    // a half-written capture looks like a complete one to the next tool: remove it
                    out.abandon();
                    if (dropped != null) {
                        dropped.abandon();
                    }
                }
            }
        }
        summary.nanos = System.nanoTime() - start;
        return summary;
    }

    /**
     * Opens a capture and checks that its link type can be decoded, before anything is created or built. A
     * pcapng interface of another link type is not refused: its packets are skipped as not IP, since one
     * capture on several interfaces may hold some that carry no IP at all.
     */
    public static CaptureReader open(Path input) throws IOException {
        final CaptureReader reader = CaptureReader.open(input);
        if (reader instanceof PcapReader && !LinkType.isSupported(reader.linkType())) {
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

    private static void loop(CaptureReader reader, ReplayOutput out, DroppedOutput dropped, Step step,
        Options options, Summary summary) throws IOException {
        final int headroom = Translator.HEADROOM;
        // IPv4 to IPv6 grows the header in front of the packet (headroom) and fragmentation may need room after
        final UnsafeBuffer work = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_IP_PACKET + 1 + 2 * headroom));
        final LinkLayerDecoder decoder = new LinkLayerDecoder();
        final ReplayOutput.Sink forward = out.sink(true);
        final ReplayOutput.Sink back = out.sink(false);
        final Attribution attribution = options.attribution();
        final DirectBuffer in = reader.buffer();
        while (reader.next() >= 0) {
            summary.packetsIn++;
            final int verdict = LinkType.isSupported(reader.linkType())
                ? decoder.decode(reader.linkType(), in, reader.offset(), reader.length()) : LinkLayerDecoder.NOT_IP;
            if (verdict != LinkLayerDecoder.IP || decoder.ipLength() > MAX_IP_PACKET) {
                final String why;
                if (verdict == LinkLayerDecoder.NOT_IP) {
                    summary.skippedNotIp++;
                    why = "skipped: not IP";
                } else if (verdict == LinkLayerDecoder.TRUNCATED) {
                    summary.skippedTruncatedLinkHeader++;
                    why = "skipped: truncated link-layer header";
                } else {
                    summary.skippedTooLong++;
                    why = "skipped: longer than an IP packet can be";
                }
                if (dropped != null) {
                    dropped.write(reader, why);
                }
                continue;
            }
            final int length = decoder.ipLength();
            work.putBytes(headroom, in, decoder.ipOffset(), length);
            final long now = reader.timestampNanos();
            out.start(reader.recordCount(), now);
            try {
                step.translate(work, headroom, length, now, forward, back);
            } catch (UncheckedIOException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ReplayException(reader.path() + ": record " + reader.recordCount()
                    + ": translator failed: " + e, e);
            }
            if (attribution != null) {
                attribution.observe();
                final String reason = attribution.dropReason();
                out.finish(attribution.tenant(), reason);
                if (dropped != null && reason != null) {
                    dropped.write(reader, "dropped: " + reason + (attribution.dropRfc() == null ? ""
                        : " (" + attribution.dropRfc() + ")") + tenantSuffix(attribution.tenant()));
                }
            }
        }
        summary.translatedOut = forward.count;
        summary.backOut = back.count;
    }

    private static String tenantSuffix(String tenant) {
        return tenant == null ? "; global" : "; tenant " + tenant;
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

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the original failure is the one to report
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the original failure is the one to report
        }
    }
}
