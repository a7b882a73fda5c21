package io.xlat.tunio.pcap;

import java.io.IOException;

/** A file that is not a classic pcap file, or one whose records are cut short or implausibly long. */
public final class PcapFormatException extends IOException {

    public PcapFormatException(String message) {
        super(message);
    }
}
