package io.xlat.tunio.agent;

import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A device queue in memory: packets queued with {@link #inject} are read in order, writes are recorded. Failures
 * are scripted: {@link #failNextReads}, {@link #failWrites}. In {@link #replay} mode it reads the same packet
 * forever and only counts writes, allocating nothing, for allocation measurements.
 */
final class FakeQueue implements PacketQueue {

    private final String name;
    final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    final List<byte[]> written = new ArrayList<>();
    int readCalls;
    int awaitCalls;
    int awaitResult;
    long writeCount;
    private int failReadsErrno;
    private int failReads;
    private int failWritesErrno;
    private byte[] replay;
    private int replayBudget;
    /** A queue with offloads that takes UDP super-packets: reads and writes carry a virtio-net header. */
    private boolean vnet;

    FakeQueue() {
        this("fake0");
    }

    FakeQueue(String name) {
        this.name = name;
    }

    @Override
    public String deviceName() {
        return name;
    }

    void inject(byte[] packet) {
        inbound.add(asRead(packet));
    }

    /** What a read returns for {@code packet}: with {@link #vnet()} an all-zero header (an ordinary packet) in front. */
    private byte[] asRead(byte[] packet) {
        if (!vnet) {
            return packet.clone();
        }
        final byte[] withHeader = new byte[VirtioNetHeader.LENGTH + packet.length];
        System.arraycopy(packet, 0, withHeader, VirtioNetHeader.LENGTH, packet.length);
        return withHeader;
    }

    /** From now on a queue with offloads on a kernel that takes UDP super-packets; writes keep their header. */
    FakeQueue vnet() {
        vnet = true;
        return this;
    }

    @Override
    public boolean offloads() {
        return vnet;
    }

    @Override
    public boolean udpSegmentation() {
        return vnet;
    }

    void failNextReads(int count, int errno) {
        failReads = count;
        failReadsErrno = errno;
    }

    void failWrites(int errno) {
        failWritesErrno = errno;
    }

    /** Every read returns {@code packet} until {@code count} reads were served per {@link #refill}. */
    void replay(byte[] packet) {
        replay = asRead(packet);
    }

    void refill(int count) {
        replayBudget = count;
    }

    @Override
    public int read(MutableDirectBuffer buffer, int offset, int capacity) {
        readCalls++;
        if (failReads > 0) {
            failReads--;
            return -failReadsErrno;
        }
        if (replay != null) {
            if (replayBudget == 0) {
                return 0;
            }
            replayBudget--;
            buffer.putBytes(offset, replay);
            return replay.length;
        }
        final byte[] packet = inbound.poll();
        if (packet == null) {
            return 0;
        }
        final int length = Math.min(packet.length, capacity);
        buffer.putBytes(offset, packet, 0, length);
        return length;
    }

    @Override
    public int write(DirectBuffer buffer, int offset, int length) {
        if (failWritesErrno != 0) {
            return -failWritesErrno;
        }
        writeCount++;
        if (replay == null) {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            written.add(copy);
        }
        return length;
    }

    /** Records the header and the packet as one (allocating nothing in {@link #replay} mode). */
    @Override
    public int writeWithHeader(DirectBuffer header, DirectBuffer buffer, int offset, int length,
        MutableDirectBuffer iov) {
        if (failWritesErrno != 0) {
            return -failWritesErrno;
        }
        writeCount++;
        if (replay == null) {
            final byte[] copy = new byte[VirtioNetHeader.LENGTH + length];
            header.getBytes(0, copy, 0, VirtioNetHeader.LENGTH);
            buffer.getBytes(offset, copy, VirtioNetHeader.LENGTH, length);
            written.add(copy);
        }
        return length;
    }

    @Override
    public int awaitReadable(int timeoutMillis) {
        awaitCalls++;
        return awaitResult;
    }
}
