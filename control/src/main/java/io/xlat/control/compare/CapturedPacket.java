package io.xlat.control.compare;

import io.xlat.tunio.pcap.CaptureReader;
import io.xlat.tunio.pcap.LinkLayerDecoder;
import io.xlat.tunio.pcap.LinkType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One IP packet of a capture file, taken off its link layer.
 *
 * @param number the record's number in its file (1-based, as Wireshark counts)
 */
public record CapturedPacket(long number, long timestampNanos, byte[] ip) {

    /** The IP packets of a capture (classic pcap or pcapng, any link type replay reads); other frames skipped. */
    public static List<CapturedPacket> read(Path file) throws IOException {
        final List<CapturedPacket> packets = new ArrayList<>();
        final LinkLayerDecoder decoder = new LinkLayerDecoder();
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next() >= 0) {
                if (!LinkType.isSupported(reader.linkType())
                    || decoder.decode(reader.linkType(), reader.buffer(), reader.offset(), reader.length())
                    != LinkLayerDecoder.IP) {
                    continue;
                }
                final byte[] ip = new byte[decoder.ipLength()];
                reader.buffer().getBytes(decoder.ipOffset(), ip);
                packets.add(new CapturedPacket(reader.recordCount(), reader.timestampNanos(), ip));
            }
        }
        return packets;
    }
}
