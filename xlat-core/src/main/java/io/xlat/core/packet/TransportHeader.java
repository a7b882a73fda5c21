package io.xlat.core.packet;

/** Where the checksum sits in the transport headers whose checksum covers the IP pseudo-header. */
public final class TransportHeader {
    public static final int UDP_LENGTH = 8;
    public static final int UDP_LENGTH_OFFSET = 4;
    public static final int UDP_CHECKSUM_OFFSET = 6;
    public static final int TCP_MIN_LENGTH = 20;
    public static final int TCP_CHECKSUM_OFFSET = 16;

    private TransportHeader() {
    }
}
