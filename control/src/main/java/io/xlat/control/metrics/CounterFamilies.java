package io.xlat.control.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.xlat.core.drop.DropReason;
import io.xlat.tunio.counters.CounterKey;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.TranslatorMetric;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The counters file as Prometheus counter families, summed over the workers of a device (a worker is an
 * implementation detail; its liveness has its own series).
 *
 * <p>A file holds a few hundred counters per device; decoding each one's key, label and tenant on every scrape
 * allocated about 260 KB per scrape, a young GC every minute or two at one scrape a second. So what a counter
 * adds to (its family and label set) is decoded once, when the counter is first seen, and kept by counter id
 * while the counter's type and key bytes stay the same; a new generation (reload) or another file forgets it all,
 * since tenants may have moved. A scrape then reads values and builds the snapshots, nothing else.
 */
final class CounterFamilies {

    private static final String DEVICE = "device";
    private static final String TENANT = "tenant";

    /** One label set of a family, and its sum during the current scrape. */
    private static final class Point {
        final Labels labels;
        long value;
        /** Whether a counter of the file added to it in this scrape: the others (a removed device) are not served. */
        boolean live;

        Point(Labels labels) {
            this.labels = labels;
        }
    }

    /** One counter family: its label sets in the order first seen. */
    private static final class Family {
        final String name;
        final String help;
        final String[] labelNames;
        final Map<List<String>, Point> byLabels = new HashMap<>();
        final List<Point> points = new ArrayList<>();

        Family(String name, String help, String... labelNames) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames;
        }

        Point point(String... labelValues) {
            return byLabels.computeIfAbsent(List.of(labelValues), k -> {
                final Point p = new Point(Labels.of(labelNames, labelValues));
                points.add(p);
                return p;
            });
        }

        void startScrape() {
            for (int i = 0; i < points.size(); i++) {
                final Point p = points.get(i);
                p.value = 0;
                p.live = false;
            }
        }

        void forget() {
            byLabels.clear();
            points.clear();
        }

        CounterSnapshot snapshot() {
            final CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (int i = 0; i < points.size(); i++) {
                final Point p = points.get(i);
                if (p.live) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(p.labels).value(p.value)
                        .build());
                }
            }
            return b.build();
        }
    }

    /** A counter of the file as decoded: its type and key bytes, to tell it from another one at the same id. */
    private static final class Seen {
        final int typeId;
        final byte[] key;
        /** Null for a counter this version does not serve (a metric of a newer xlat). */
        final Point point;

        Seen(int typeId, byte[] key, Point point) {
            this.typeId = typeId;
            this.key = key;
            this.point = point;
        }

        boolean is(int type, AtomicBuffer metaData, int keyOffset) {
            if (type != typeId) {
                return false;
            }
            for (int i = 0; i < key.length; i++) {
                if (metaData.getByte(keyOffset + i) != key[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Family rxPackets = new Family("xlat_device_received_packets",
        "Packets read from the TUN device (the kernel routed them to xlat).", DEVICE, TENANT);
    private final Family rxBytes = new Family("xlat_device_received_bytes",
        "Bytes of the packets read from the device.", DEVICE, TENANT);
    private final Family txPackets = new Family("xlat_device_sent_packets",
        "Packets written to the device: translated packets and the ICMP errors xlat sends.", DEVICE, TENANT);
    private final Family txBytes = new Family("xlat_device_sent_bytes", "Bytes of the packets written to the device.",
        DEVICE, TENANT);
    private final Family txCoalesced = new Family("xlat_device_sent_coalesced_packets",
        "UDP datagrams among the sent packets that went out in a super-packet of several (dataplane.coalesce).",
        DEVICE, TENANT);
    private final Family deviceErrors = new Family("xlat_device_errors",
        "Device reads and writes that failed (error=read, write) or that the kernel took only part of "
            + "(error=short-write; the packet is lost).", DEVICE, TENANT, "error");
    private final Family noDevice = new Family("xlat_no_device_drops",
        "Translated packets dropped because no device here takes them.", DEVICE, TENANT);
    private final Family translatedPackets = new Family("xlat_translated_packets",
        "Packets translated, by direction (46 = IPv4 to IPv6, 64 = IPv6 to IPv4).", DEVICE, TENANT, "direction");
    private final Family translatedBytes = new Family("xlat_translated_bytes",
        "Bytes in of the packets translated, by direction.", DEVICE, TENANT, "direction");
    private final Family icmpSent = new Family("xlat_icmp_errors_sent",
        "ICMP errors xlat originated, by family and type (type=icmpv4-time-exceeded, icmpv6-packet-too-big, ...).",
        DEVICE, TENANT, "type");
    private final Family icmpNotSent = new Family("xlat_icmp_errors_not_sent",
        "ICMP errors xlat did not send: cause=rate-limited (translator.icmp-rate) or no-source (no address "
            + "to send them from).", DEVICE, TENANT, "cause");
    private final Family drops = new Family("xlat_drops",
        "Packets dropped, by the stable name of the reason ('xlat stats --explain' says what each means) and "
            + "direction (the family the packet arrived in: 46, 64, or unknown for neither).",
        DEVICE, TENANT, "reason", "direction");
    private final Family[] families = {rxPackets, rxBytes, txPackets, txBytes, txCoalesced, deviceErrors, noDevice,
        translatedPackets, translatedBytes, icmpSent, icmpNotSent, drops};

    private final UnaryOperator<String> tenantOf;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private CountersReader reader;
    private long generation = -1;
    private Seen[] seen = new Seen[0];

    CounterFamilies(UnaryOperator<String> tenantOf) {
        this.tenantOf = tenantOf;
    }

    /** Reads {@code current} (null: no file yet) into the families and adds their snapshots to {@code out}. */
    void collect(CountersReader current, long currentGeneration, List<MetricSnapshot> out) {
        if (current != reader || currentGeneration != generation) {
            reader = current;
            generation = currentGeneration;
            seen = new Seen[current == null ? 0 : current.maxCounterId() + 1];
            for (final Family f : families) {
                f.forget();
            }
        }
        for (final Family f : families) {
            f.startScrape();
        }
        if (current != null) {
            final AtomicBuffer metaData = current.metaDataBuffer();
            for (int id = 0; id < seen.length
                && CountersReader.metaDataOffset(id) + CountersReader.METADATA_LENGTH <= metaData.capacity(); id++) {
                final int state = current.getCounterState(id);
                if (state == CountersReader.RECORD_UNUSED) {
                    break; // counters are allocated from the front: nothing further on
                }
                if (state != CountersReader.RECORD_ALLOCATED) {
                    continue;
                }
                final int typeId = current.getCounterTypeId(id);
                final int keyOffset = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
                Seen s = seen[id];
                if (s == null || !s.is(typeId, metaData, keyOffset)) {
                    s = decode(typeId, metaData, keyOffset);
                    seen[id] = s;
                }
                if (s != null && s.point != null) {
                    s.point.value += current.getCounterValue(id);
                    s.point.live = true;
                }
            }
        }
        for (final Family f : families) {
            out.add(f.snapshot());
        }
    }

    /** The first sight of a counter: which point it adds to; null when it is not one of xlat's. */
    private Seen decode(int typeId, AtomicBuffer metaData, int keyOffset) {
        keyView.wrap(metaData, keyOffset, CountersReader.MAX_KEY_LENGTH);
        final CounterKey key = CounterKey.read(typeId, keyView);
        if (key == null) {
            return null;
        }
        final byte[] bytes = new byte[CounterKey.length(keyView)];
        keyView.getBytes(0, bytes);
        return new Seen(typeId, bytes, point(key));
    }

    private Point point(CounterKey key) {
        final String device = key.scope();
        final String t = tenantOf.apply(device);
        final String tenant = t == null ? "" : t;
        if (key.typeId() == CounterKey.DEVICE_TYPE_ID) {
            final DeviceMetric m = DeviceMetric.byId(key.metric());
            if (m == null) {
                return null; // written by a newer xlat: not served under a name this version does not know
            }
            switch (m) {
                case RX_PACKETS: return rxPackets.point(device, tenant);
                case RX_BYTES: return rxBytes.point(device, tenant);
                case TX_PACKETS: return txPackets.point(device, tenant);
                case TX_BYTES: return txBytes.point(device, tenant);
                case TX_COALESCED: return txCoalesced.point(device, tenant);
                case SHORT_WRITES: return deviceErrors.point(device, tenant, "short-write");
                case WRITE_ERRORS: return deviceErrors.point(device, tenant, "write");
                case READ_ERRORS: return deviceErrors.point(device, tenant, "read");
                case NO_DEVICE: return noDevice.point(device, tenant);
                default: return null;
            }
        }
        if (key.typeId() == CounterKey.TRANSLATOR_TYPE_ID) {
            final TranslatorMetric m = TranslatorMetric.byId(key.metric());
            if (m == null) {
                return null;
            }
            switch (m) {
                case TRANSLATED_46: return translatedPackets.point(device, tenant, "46");
                case TRANSLATED_64: return translatedPackets.point(device, tenant, "64");
                case BYTES_46: return translatedBytes.point(device, tenant, "46");
                case BYTES_64: return translatedBytes.point(device, tenant, "64");
                case ICMP_ERRORS_RATE_LIMITED: return icmpNotSent.point(device, tenant, "rate-limited");
                case ICMP_ERRORS_NO_SOURCE: return icmpNotSent.point(device, tenant, "no-source");
                default:
                    // the total (icmp-errors-sent) is the sum over the types: served by type only
                    return m.icmpError() != null ? icmpSent.point(device, tenant, m.icmpError().label()) : null;
            }
        }
        final DropReason reason = DropReason.byId(key.metric());
        return reason == null ? null : drops.point(device, tenant, reason.label(), key.dropDirection().label());
    }
}
