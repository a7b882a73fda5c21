package io.xlat.tunio.counters;

import io.xlat.core.drop.Direction;
import io.xlat.core.drop.DropReason;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * What one counter of the counters file counts: its type id says which family (device, translator, drop), the
 * key bytes say which metric, worker and device. Both are a contract with readers in other processes: stable.
 *
 * <pre>
 * key: 0 metric id (int) | 4 worker (int) | 8 scope kind (int) | 12 scope length (int) | 16 scope name (ASCII)
 * </pre>
 * All key integers are big-endian. The metric id is a {@link DeviceMetric}, {@link TranslatorMetric} or
 * {@link DropReason} id, by type. Drops are counted per direction, one type each ({@link #dropTypeId}); a file of
 * an older xlat has one {@link #DROP_TYPE_ID} counter per reason instead, read as direction unknown.
 *
 * @param typeId    {@link #DEVICE_TYPE_ID}, {@link #TRANSLATOR_TYPE_ID} or a drop type
 * @param metric    the metric id within the type
 * @param worker    the worker (device queue) index
 * @param scopeKind {@link #SCOPE_DEVICE} (tenant scopes come with tenant devices)
 * @param scope     the device name
 */
public record CounterKey(int typeId, int metric, int worker, int scopeKind, String scope) {

    public static final int DEVICE_TYPE_ID = 4601;
    public static final int TRANSLATOR_TYPE_ID = 4602;
    /** Drops by reason, all directions together: what xlat wrote before it counted them per direction. */
    public static final int DROP_TYPE_ID = 4603;
    public static final int DROP_46_TYPE_ID = 4604;
    public static final int DROP_64_TYPE_ID = 4605;
    public static final int DROP_UNKNOWN_TYPE_ID = 4606;

    public static final int SCOPE_DEVICE = 1;

    static final int METRIC_OFFSET = 0;
    static final int WORKER_OFFSET = 4;
    static final int SCOPE_KIND_OFFSET = 8;
    static final int SCOPE_LENGTH_OFFSET = 12;
    static final int SCOPE_OFFSET = 16;
    /** Scope names longer than this are cut in the key (device names are at most 15 bytes). */
    static final int MAX_SCOPE_LENGTH = 64;

    /** The type id of the drops of {@code direction}. */
    public static int dropTypeId(Direction direction) {
        switch (direction) {
            case D46: return DROP_46_TYPE_ID;
            case D64: return DROP_64_TYPE_ID;
            default: return DROP_UNKNOWN_TYPE_ID;
        }
    }

    /** Whether {@code typeId} counts drops (of any direction, or of all of them in an older file). */
    public static boolean isDropType(int typeId) {
        return typeId >= DROP_TYPE_ID && typeId <= DROP_UNKNOWN_TYPE_ID;
    }

    /** For a drop counter, the direction it counts (unknown for an older file's totals); null for the others. */
    public Direction dropDirection() {
        switch (typeId) {
            case DROP_46_TYPE_ID: return Direction.D46;
            case DROP_64_TYPE_ID: return Direction.D64;
            case DROP_TYPE_ID:
            case DROP_UNKNOWN_TYPE_ID: return Direction.UNKNOWN;
            default: return null;
        }
    }

    /** Writes this key; returns its length. */
    int write(MutableDirectBuffer key) {
        final byte[] name = scope.getBytes(StandardCharsets.US_ASCII);
        final int length = Math.min(name.length, MAX_SCOPE_LENGTH);
        key.putInt(METRIC_OFFSET, metric, BIG_ENDIAN);
        key.putInt(WORKER_OFFSET, worker, BIG_ENDIAN);
        key.putInt(SCOPE_KIND_OFFSET, scopeKind, BIG_ENDIAN);
        key.putInt(SCOPE_LENGTH_OFFSET, length, BIG_ENDIAN);
        key.putBytes(SCOPE_OFFSET, name, 0, length);
        return SCOPE_OFFSET + length;
    }

    /** The bytes a key written by {@link #write} takes, read from the key itself (call after {@link #read}). */
    public static int length(DirectBuffer key) {
        return SCOPE_OFFSET + key.getInt(SCOPE_LENGTH_OFFSET, BIG_ENDIAN);
    }

    /** Decodes the key of a counter of one of our types; null for another type or a malformed key. */
    public static CounterKey read(int typeId, DirectBuffer key) {
        if (typeId != DEVICE_TYPE_ID && typeId != TRANSLATOR_TYPE_ID && !isDropType(typeId)) {
            return null;
        }
        final int length = key.getInt(SCOPE_LENGTH_OFFSET, BIG_ENDIAN);
        if (length < 0 || length > MAX_SCOPE_LENGTH) {
            return null;
        }
        final byte[] name = new byte[length];
        key.getBytes(SCOPE_OFFSET, name);
        return new CounterKey(typeId, key.getInt(METRIC_OFFSET, BIG_ENDIAN), key.getInt(WORKER_OFFSET, BIG_ENDIAN),
            key.getInt(SCOPE_KIND_OFFSET, BIG_ENDIAN), new String(name, StandardCharsets.US_ASCII));
    }

    /**
     * The metric's stable short name: {@code rx-packets}, {@code translated-46}, {@code drop ttl-expired}; a drop
     * of one direction adds it: {@code drop ttl-expired 46}.
     */
    public String metricLabel() {
        final String name = metricName();
        return typeId == DROP_TYPE_ID || !isDropType(typeId) ? name : name + " " + dropDirection().label();
    }

    /** {@link #metricLabel} without the direction of a drop: {@code drop ttl-expired} for every direction. */
    public String metricName() {
        switch (typeId) {
            case DEVICE_TYPE_ID: {
                final DeviceMetric m = DeviceMetric.byId(metric);
                return m != null ? m.label() : "device-metric-" + metric;
            }
            case TRANSLATOR_TYPE_ID: {
                final TranslatorMetric m = TranslatorMetric.byId(metric);
                return m != null ? m.label() : "translator-metric-" + metric;
            }
            default: {
                final DropReason r = DropReason.byId(metric);
                return "drop " + (r != null ? r.label() : "reason-" + metric);
            }
        }
    }

    /** One line on what the metric counts (what {@code xlat stats --explain} prints). */
    public String description() {
        switch (typeId) {
            case DEVICE_TYPE_ID: {
                final DeviceMetric m = DeviceMetric.byId(metric);
                return m != null ? m.description() : "unknown device metric (written by a newer xlat)";
            }
            case TRANSLATOR_TYPE_ID: {
                final TranslatorMetric m = TranslatorMetric.byId(metric);
                return m != null ? m.description() : "unknown translator metric (written by a newer xlat)";
            }
            default: {
                final DropReason r = DropReason.byId(metric);
                return r != null ? r.description() + " [" + r.rfc() + "]" : "unknown drop reason (written by a newer xlat)";
            }
        }
    }

    /** The label stored with the counter, readable without this class: "xlat0 q0 drop ttl-expired 46". */
    public String label() {
        return scope + " q" + worker + " " + metricLabel();
    }
}
