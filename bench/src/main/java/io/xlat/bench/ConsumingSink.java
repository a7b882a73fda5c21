package io.xlat.bench;

import io.xlat.core.translate.PacketSink;
import org.agrona.DirectBuffer;

/**
 * A sink that reads what it is given, so that the JIT cannot drop the translation as dead code: it counts
 * packets and bytes and folds the first and last byte of each packet into a field the benchmark hands to a
 * Blackhole. Costs a few loads and adds, no allocation.
 */
public final class ConsumingSink implements PacketSink {
    private long packets;
    private long bytes;
    private long fingerprint;

    @Override
    public void emit(DirectBuffer buffer, int offset, int length) {
        packets++;
        bytes += length;
        fingerprint += buffer.getByte(offset) + buffer.getByte(offset + length - 1);
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    public long fingerprint() {
        return fingerprint;
    }
}
