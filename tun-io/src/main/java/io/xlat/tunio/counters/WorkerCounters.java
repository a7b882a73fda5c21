package io.xlat.tunio.counters;

import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.drop.DropReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The counters of one worker in the counters file, and the copy of its plain single-writer counters into them.
 * Allocated when the data plane starts; {@link #publish} allocates nothing and is called by the worker itself,
 * so each shared counter keeps one writer.
 */
public final class WorkerCounters {

    private static final DeviceMetric[] DEVICE_METRICS = DeviceMetric.values();
    private static final TranslatorMetric[] TRANSLATOR_METRICS = TranslatorMetric.values();
    private static final DropReason[] DROP_REASONS = DropReason.values();

    private final AtomicCounter[] device = new AtomicCounter[DEVICE_METRICS.length];
    private final AtomicCounter[] translator = new AtomicCounter[TRANSLATOR_METRICS.length];
    private static final Direction[] DIRECTIONS = Direction.values();

    /** By reason ordinal, then direction, as {@link DropCounters} holds them. */
    private final AtomicCounter[] drops = new AtomicCounter[DROP_REASONS.length * DIRECTIONS.length];

    /** Allocates the counters of worker {@code worker} of device {@code deviceName}. */
    public WorkerCounters(CountersManager manager, String deviceName, int worker) {
        if (manager.available() < perWorker()) {
            throw new IllegalStateException("the counters file has room for " + manager.available()
                + " more counters, worker " + worker + " of " + deviceName + " needs " + perWorker());
        }
        final UnsafeBuffer key = new UnsafeBuffer(new byte[CounterKey.SCOPE_OFFSET + CounterKey.MAX_SCOPE_LENGTH]);
        for (int i = 0; i < DEVICE_METRICS.length; i++) {
            device[i] = allocate(manager, key, new CounterKey(CounterKey.DEVICE_TYPE_ID, DEVICE_METRICS[i].id(), worker,
                CounterKey.SCOPE_DEVICE, deviceName));
        }
        for (int i = 0; i < TRANSLATOR_METRICS.length; i++) {
            translator[i] = allocate(manager, key, new CounterKey(CounterKey.TRANSLATOR_TYPE_ID,
                TRANSLATOR_METRICS[i].id(), worker, CounterKey.SCOPE_DEVICE, deviceName));
        }
        for (int i = 0; i < DROP_REASONS.length; i++) {
            for (final Direction d : DIRECTIONS) {
                drops[i * DIRECTIONS.length + d.ordinal()] = allocate(manager, key, new CounterKey(
                    CounterKey.dropTypeId(d), DROP_REASONS[i].id(), worker, CounterKey.SCOPE_DEVICE, deviceName));
            }
        }
    }

    /** How many counters one worker takes in the file. */
    public static int perWorker() {
        return DEVICE_METRICS.length + TRANSLATOR_METRICS.length + DROP_REASONS.length * DIRECTIONS.length;
    }

    private static AtomicCounter allocate(CountersManager manager, UnsafeBuffer key, CounterKey counterKey) {
        final int keyLength = counterKey.write(key);
        final UnsafeBuffer label = new UnsafeBuffer(counterKey.label().getBytes(manager.labelCharset()));
        return manager.newCounter(counterKey.typeId(), key, 0, keyLength, label, 0, label.capacity());
    }

    /** Copies the worker's current values out (ordered stores: a reader never sees a value go back). */
    public void publish(DeviceCounters deviceCounters, DropCounters dropCounters) {
        for (int i = 0; i < DEVICE_METRICS.length; i++) {
            device[i].setOrdered(deviceCounters.get(DEVICE_METRICS[i]));
        }
        for (int i = 0; i < TRANSLATOR_METRICS.length; i++) {
            translator[i].setOrdered(TRANSLATOR_METRICS[i].valueIn(dropCounters));
        }
        for (int i = 0; i < DROP_REASONS.length; i++) {
            for (final Direction d : DIRECTIONS) {
                drops[i * DIRECTIONS.length + d.ordinal()].setOrdered(dropCounters.drops(DROP_REASONS[i], d));
            }
        }
    }

    /** Frees the counters in the file (a tenant removed by a reload); call it after the worker stopped using them. */
    public void close() {
        for (final AtomicCounter c : device) {
            c.close();
        }
        for (final AtomicCounter c : translator) {
            c.close();
        }
        for (final AtomicCounter c : drops) {
            c.close();
        }
    }
}
