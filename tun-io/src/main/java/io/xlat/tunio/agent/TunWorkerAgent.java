package io.xlat.tunio.agent;

import io.xlat.core.drop.DropReason;
import io.xlat.core.translate.Translator;
import io.xlat.tunio.counters.DeviceCounters;
import io.xlat.tunio.counters.WorkerCounters;
import io.xlat.tunio.tun.LinuxNative;
import io.xlat.tunio.tun.PacketQueue;
import io.xlat.tunio.tun.VirtioNetHeader;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One worker of a device that carries both families (plain SIIT): reads a batch of packets from its queue, one
 * at a time into a single slot at {@link Translator#HEADROOM}, translates each in place and writes the result,
 * and whatever the translator sends back, to the same queue. The kernel hashes a flow to one queue, and a worker
 * handles its packets in order, so packets of one flow stay in order.
 *
 * <p>Owns its translator (translators are single-threaded) and its counters, which it publishes to the counters
 * file at most every {@link #PUBLISH_INTERVAL_NANOS} while busy and once when it goes idle. {@link #doWork()}
 * allocates nothing.
 */
public final class TunWorkerAgent implements Agent {
    /** Single writer (the worker), read by the health monitor; an ordered store per round, no fence. */
    private final java.util.concurrent.atomic.AtomicLong heartbeat = new java.util.concurrent.atomic.AtomicLong();

    /** Packets read per {@link #doWork()} at most: enough to amortise the call, small enough to publish often. */
    public static final int DEFAULT_BATCH = 64;
    /** The largest IP packet (IPv4 Total Length and IPv6 Payload Length are 16 bits; no jumbograms on TUN). */
    public static final int MAX_PACKET = 65535;
    public static final long PUBLISH_INTERVAL_NANOS = 1_000_000L;

    private final String roleName;
    private final PacketQueue queue;
    private Translator translator;
    /** A reload's translator, taken between two batches; {@link #installed} confirms it was. */
    private volatile Translator offered;
    private volatile Translator installed;
    private final NanoClock clock;
    private final DeviceCounters deviceCounters;
    private final WorkerCounters published;
    private final DeviceErrorHandler errors;
    private final QueueWriter writer;
    /** Null unless the queue has offloads (virtio-net headers). */
    private final Offloads offloads;
    private final int worker;
    private final int batch;
    private final UnsafeBuffer slot;
    private long lastPublishNanos;
    private boolean dirty;
    private final ErrnoSet reportedReadErrors = new ErrnoSet();
    private boolean failed;

    /**
     * @param queue      the device queue this worker reads and writes
     * @param worker     its index, for counters and messages
     * @param translator this worker's own translator
     * @param published  its counters in the counters file
     */
    public TunWorkerAgent(PacketQueue queue, int worker, Translator translator, DeviceCounters deviceCounters,
        WorkerCounters published, DeviceErrorHandler errors, NanoClock clock, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        this.roleName = "xlat-" + queue.deviceName() + "-q" + worker;
        this.queue = queue;
        this.worker = worker;
        this.translator = translator;
        this.offered = translator;
        this.installed = translator;
        this.deviceCounters = deviceCounters;
        this.published = published;
        this.errors = errors;
        this.clock = clock;
        this.batch = batch;
        this.writer = new QueueWriter(queue, deviceCounters, errors, worker);
        this.offloads = queue.offloads() ? new Offloads() : null;
        writer.offloads(offloads);
        this.slot = slot();
    }

    /**
     * Bumped once per {@link #doWork} while the queue works (idle workers still come round every poll timeout),
     * read by the health monitor: a value that stops moving is a stalled worker even if its thread is alive.
     */
    public long heartbeat() {
        return heartbeat.get();
    }

    /**
     * Hands this worker the translator of a reloaded configuration; it switches before its next batch, and
     * {@link #current()} says when it has. {@code next} must share the old one's drop counters, so that the
     * counts run on.
     */
    public void offer(Translator next) {
        offered = next;
    }

    /** The translator this worker uses now. */
    public Translator current() {
        return installed;
    }

    @Override
    public int doWork() {
        // a reload's translator is taken even by a worker whose queue failed, so that the reload completes
        final Translator next = offered;
        if (next != translator) {
            translator = next;
            installed = next;
        }
        if (failed) {
            return 0;
        }
        heartbeat.lazySet(heartbeat.get() + 1);
        final long now = clock.nanoTime();
        int packets = 0;
        while (packets < batch) {
            final int length = read(queue, slot, offloads != null);
            if (length == 0) {
                break;
            }
            if (length < 0) {
                readFailed(-length);
                break;
            }
            packets++;
            if (offloads != null) {
                final DropReason refused = offloads.accept(slot, Translator.HEADROOM, length, translator);
                deviceCounters.received(length);
                if (refused != null) {
                    translator.counters().drop(refused);
                    continue;
                }
                translator.translate(slot, Translator.HEADROOM, length, now, writer, writer);
                offloads.done(translator);
            } else {
                deviceCounters.received(length);
                translator.translate(slot, Translator.HEADROOM, length, now, writer, writer);
            }
        }
        if (packets > 0) {
            dirty = true;
        }
        if (dirty && (packets == 0 || now - lastPublishNanos >= PUBLISH_INTERVAL_NANOS)) {
            publish(now);
        }
        return packets;
    }

    private void readFailed(int errno) {
        deviceCounters.readError();
        dirty = true;
        final boolean fatal = isFatal(errno);
        if (fatal) {
            failed = true;
        }
        if (reportedReadErrors.add(errno) || fatal) {
            errors.onDeviceError(queue.deviceName(), worker, "read", errno, fatal);
        }
    }

    /**
     * One slot: the translator's headroom (which also takes a virtio-net header in front of the packet), the
     * largest packet (a 64 KiB super-packet with offloads), and cache-line alignment for the IP header.
     */
    static UnsafeBuffer slot() {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(Translator.HEADROOM + MAX_PACKET + 64, 64), 64));
    }

    /**
     * Reads one packet to {@link Translator#HEADROOM} of {@code slot}; with {@code vnet}, its virtio-net header
     * lands in the bytes just before.
     *
     * @return the packet's length (without the header), 0 when none waits, {@code -errno} on failure
     */
    static int read(PacketQueue queue, UnsafeBuffer slot, boolean vnet) {
        if (!vnet) {
            return queue.read(slot, Translator.HEADROOM, MAX_PACKET);
        }
        final int at = Translator.HEADROOM - VirtioNetHeader.LENGTH;
        final int n = queue.read(slot, at, slot.capacity() - at);
        if (n > 0 && n <= VirtioNetHeader.LENGTH) {
            // shorter than its header: no packet; one byte of version 0, which the translator drops as such
            VirtioNetHeader.writeNone(slot, at);
            slot.putByte(Translator.HEADROOM, (byte) 0);
            return 1;
        }
        return n <= 0 ? n : n - VirtioNetHeader.LENGTH;
    }

    /** Errors after which reading again cannot succeed: the device was deleted or the descriptor is broken. */
    static boolean isFatal(int errno) {
        return errno == LinuxNative.EBADFD || errno == LinuxNative.EBADF || errno == LinuxNative.ENODEV
            || errno == LinuxNative.EIO || errno == LinuxNative.EFAULT || errno == LinuxNative.EINVAL;
    }

    private void publish(long now) {
        published.publish(deviceCounters, translator.counters());
        lastPublishNanos = now;
        dirty = false;
    }

    /** Whether the worker gave up on its queue after a fatal read error (its counters stay). */
    public boolean failed() {
        return failed;
    }

    public PacketQueue queue() {
        return queue;
    }

    @Override
    public void onClose() {
        publish(clock.nanoTime());
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
