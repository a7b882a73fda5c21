package io.xlat.control.replay;

import io.xlat.tunio.pcap.CaptureReader;
import io.xlat.tunio.pcap.PcapngWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code replay --dropped FILE}: the input records that produced no translation, as they were captured (same
 * link type, same bytes), each with its drop or skip reason as the pcapng comment.
 */
final class DroppedOutput {

    private static final int MAX_LINK_TYPE = 0xFFFF;

    private final Path path;
    private final PcapngWriter writer;
    /** Our interface id per input link type, or -1; one interface per link type met in the input. */
    private final int[] interfaceOf = new int[MAX_LINK_TYPE + 1];

    private DroppedOutput(Path path, PcapngWriter writer) {
        this.path = path;
        this.writer = writer;
        Arrays.fill(interfaceOf, -1);
    }

    static DroppedOutput create(Path path, boolean nanos) throws IOException {
        return new DroppedOutput(path, PcapngWriter.create(path, nanos, "xlat replay --dropped"));
    }

    void write(CaptureReader reader, String reason) throws IOException {
        final int linkType = reader.linkType() & MAX_LINK_TYPE;
        if (interfaceOf[linkType] < 0) {
            interfaceOf[linkType] = writer.addInterface(linkType);
        }
        writer.write(interfaceOf[linkType], reader.buffer(), reader.offset(), reader.length(), reader.timestampNanos(),
            "input packet " + reader.recordCount() + "; " + reason);
    }

    void close() throws IOException {
        writer.close();
    }

    void abandon() {
        PcapReplay.closeQuietly(writer);
        PcapReplay.deleteQuietly(path);
    }
}
