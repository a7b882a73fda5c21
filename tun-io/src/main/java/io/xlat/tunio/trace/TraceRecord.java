package io.xlat.tunio.trace;

/**
 * The records of the trace ring (big-endian fields). A traced packet is one {@link #PACKET_IN} and, after it in
 * the ring, one {@link #PACKET_OUT} per packet the translator emitted for it (several for fragments, the ICMP error
 * it sent back). Both carry the worker and its packet number, which tie the outputs to their input; an input the
 * filter rejected after translation (by drop reason) is aborted, so outputs whose input is not the worker's last
 * one read belong to no record and are skipped.
 *
 * <pre>
 * PACKET_IN:   0 packet number | 8 time (ns since the epoch) | 16 worker | 20 tenant index (-1 none)
 *             24 drop reason id (-1 none) | 28 packets emitted | 32 tenant name length | 36 name (32 bytes)
 *             72 the packet as read
 * PACKET_OUT:  0 packet number | 8 time | 16 worker | 20 reserved | 24 the packet as written
 * </pre>
 */
public final class TraceRecord {

    public static final int PACKET_IN = 1;
    public static final int PACKET_OUT = 2;

    public static final int NUMBER_OFFSET = 0;
    public static final int TIME_OFFSET = 8;
    public static final int WORKER_OFFSET = 16;
    public static final int TENANT_OFFSET = 20;
    public static final int REASON_OFFSET = 24;
    public static final int EMITTED_OFFSET = 28;
    public static final int NAME_LENGTH_OFFSET = 32;
    public static final int NAME_OFFSET = 36;
    public static final int IN_HEADER_LENGTH = 72;
    public static final int OUT_HEADER_LENGTH = 24;

    private TraceRecord() {
    }
}
