package io.xlat.control.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.xlat.control.bgp.session.SessionState;
import io.xlat.core.drop.DropReason;
import io.xlat.tunio.counters.CounterKey;
import io.xlat.tunio.counters.DeviceMetric;
import io.xlat.tunio.counters.TranslatorMetric;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Builds every metric family at scrape time from {@link MetricsSources}. Counters come straight from the counters
 * file, summed over the workers of a device (a worker is an implementation detail; its liveness has its own
 * series). Metric names and label names are a contract with dashboards and alert rules: extend, never rename.
 *
 * <p>Runs on the exporter's thread only; allocation is fine here, and nothing here writes anything the data plane
 * reads.
 */
public final class XlatCollector implements MultiCollector {

    /** A worker whose heartbeat has not moved since the previous scrape, this long ago or more, is down. */
    static final long STALL_MILLIS = 500;

    private static final String DEVICE = "device";
    private static final String TENANT = "tenant";

    private final MetricsSources sources;
    private final String version;
    private final LongSupplier clockMillis;
    private long[] lastBeat = new long[0];
    private long[] beatChangedAt = new long[0];

    public XlatCollector(MetricsSources sources, String version, LongSupplier clockMillis) {
        this.sources = sources;
        this.version = version;
        this.clockMillis = clockMillis;
    }

    @Override
    public synchronized MetricSnapshots collect() {
        final long now = clockMillis.getAsLong();
        final List<MetricSnapshot> out = new ArrayList<>();
        counters(out);
        workers(out, now);
        bgp(out, now);
        config(out);
        info(out);
        return new MetricSnapshots(out);
    }

    /** One counter family being summed: label values to total. */
    private static final class Family {
        final String name;
        final String help;
        final String[] labelNames;
        final Map<List<String>, long[]> points = new LinkedHashMap<>();

        Family(String name, String help, String... labelNames) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames;
        }

        void add(long value, String... labelValues) {
            points.computeIfAbsent(List.of(labelValues), k -> new long[1])[0] += value;
        }

        CounterSnapshot snapshot() {
            final CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (final Map.Entry<List<String>, long[]> p : points.entrySet()) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of(labelNames, p.getKey().toArray(new String[0]))).value(p.getValue()[0]).build());
            }
            return b.build();
        }
    }

    private void counters(List<MetricSnapshot> out) {
        final Family rxPackets = new Family("xlat_device_received_packets",
            "Packets read from the TUN device (the kernel routed them to xlat).", DEVICE, TENANT);
        final Family rxBytes = new Family("xlat_device_received_bytes", "Bytes of the packets read from the device.",
            DEVICE, TENANT);
        final Family txPackets = new Family("xlat_device_sent_packets",
            "Packets written to the device: translated packets and the ICMP errors xlat sends.", DEVICE, TENANT);
        final Family txBytes = new Family("xlat_device_sent_bytes", "Bytes of the packets written to the device.",
            DEVICE, TENANT);
        final Family txCoalesced = new Family("xlat_device_sent_coalesced_packets",
            "UDP datagrams among the sent packets that went out in a super-packet of several (dataplane.coalesce).",
            DEVICE, TENANT);
        final Family deviceErrors = new Family("xlat_device_errors",
            "Device reads and writes that failed (error=read, write) or that the kernel took only part of "
                + "(error=short-write; the packet is lost).", DEVICE, TENANT, "error");
        final Family noDevice = new Family("xlat_no_device_drops",
            "Translated packets dropped because no device here takes them.", DEVICE, TENANT);
        final Family translatedPackets = new Family("xlat_translated_packets",
            "Packets translated, by direction (46 = IPv4 to IPv6, 64 = IPv6 to IPv4).", DEVICE, TENANT, "direction");
        final Family translatedBytes = new Family("xlat_translated_bytes",
            "Bytes in of the packets translated, by direction.", DEVICE, TENANT, "direction");
        final Family icmpSent = new Family("xlat_icmp_errors_sent",
            "ICMP errors xlat originated, by family and type (type=icmpv4-time-exceeded, icmpv6-packet-too-big, ...).",
            DEVICE, TENANT, "type");
        final Family icmpNotSent = new Family("xlat_icmp_errors_not_sent",
            "ICMP errors xlat did not send: cause=rate-limited (translator.icmp-rate) or no-source (no address "
                + "to send them from).", DEVICE, TENANT, "cause");
        final Family drops = new Family("xlat_drops",
            "Packets dropped, by the stable name of the reason ('xlat stats --explain' says what each means).",
            DEVICE, TENANT, "reason");
        final CountersReader reader = sources.counters().get();
        if (reader != null) {
            reader.forEach((id, typeId, keyBuffer, label) -> {
                final CounterKey key = CounterKey.read(typeId, keyBuffer);
                if (key == null) {
                    return;
                }
                final long value = reader.getCounterValue(id);
                final String device = key.scope();
                final String tenant = tenantOf(device);
                if (typeId == CounterKey.DEVICE_TYPE_ID) {
                    final DeviceMetric m = DeviceMetric.byId(key.metric());
                    if (m == null) {
                        return; // written by a newer xlat: not served under a name this version does not know
                    }
                    switch (m) {
                        case RX_PACKETS: rxPackets.add(value, device, tenant); break;
                        case RX_BYTES: rxBytes.add(value, device, tenant); break;
                        case TX_PACKETS: txPackets.add(value, device, tenant); break;
                        case TX_BYTES: txBytes.add(value, device, tenant); break;
                        case SHORT_WRITES: deviceErrors.add(value, device, tenant, "short-write"); break;
                        case WRITE_ERRORS: deviceErrors.add(value, device, tenant, "write"); break;
                        case READ_ERRORS: deviceErrors.add(value, device, tenant, "read"); break;
                        case NO_DEVICE: noDevice.add(value, device, tenant); break;
                        case TX_COALESCED: txCoalesced.add(value, device, tenant); break;
                        default: break;
                    }
                } else if (typeId == CounterKey.TRANSLATOR_TYPE_ID) {
                    final TranslatorMetric m = TranslatorMetric.byId(key.metric());
                    if (m == null) {
                        return;
                    }
                    switch (m) {
                        case TRANSLATED_46: translatedPackets.add(value, device, tenant, "46"); break;
                        case TRANSLATED_64: translatedPackets.add(value, device, tenant, "64"); break;
                        case BYTES_46: translatedBytes.add(value, device, tenant, "46"); break;
                        case BYTES_64: translatedBytes.add(value, device, tenant, "64"); break;
                        case ICMP_ERRORS_RATE_LIMITED: icmpNotSent.add(value, device, tenant, "rate-limited"); break;
                        case ICMP_ERRORS_NO_SOURCE: icmpNotSent.add(value, device, tenant, "no-source"); break;
                        default:
                            // the total (icmp-errors-sent) is the sum over the types: served by type only
                            if (m.icmpError() != null) {
                                icmpSent.add(value, device, tenant, m.icmpError().label());
                            }
                            break;
                    }
                } else {
                    final DropReason reason = DropReason.byId(key.metric());
                    if (reason != null) {
                        drops.add(value, device, tenant, reason.label());
                    }
                }
            });
        }
        for (final Family f : List.of(rxPackets, rxBytes, txPackets, txBytes, txCoalesced, deviceErrors, noDevice,
            translatedPackets, translatedBytes, icmpSent, icmpNotSent, drops)) {
            out.add(f.snapshot());
        }
    }

    private String tenantOf(String device) {
        final String tenant = sources.tenantOf().apply(device);
        return tenant == null ? "" : tenant;
    }

    /**
     * Heartbeats as counters, and up/down from their movement between two scrapes: a worker whose heartbeat stood
     * still since the previous scrape, {@link #STALL_MILLIS} or more ago, is stuck (an idle worker still beats
     * once per poll timeout).
     */
    private void workers(List<MetricSnapshot> out, long now) {
        final int n = sources.workers().getAsInt();
        if (lastBeat.length != n) {
            lastBeat = new long[n];
            beatChangedAt = new long[n];
            java.util.Arrays.fill(lastBeat, -1);
        }
        final CounterSnapshot.Builder beats = CounterSnapshot.builder().name("xlat_worker_heartbeats")
            .help("Loops of each worker (one per batch, and one per poll timeout when idle): rate 0 means stuck.");
        final GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("xlat_worker_up")
            .help("1 while the worker's heartbeat moves, 0 once it stood still since the previous scrape for at "
                + "least " + STALL_MILLIS + " ms.");
        for (int w = 0; w < n; w++) {
            final long beat = sources.heartbeat().applyAsLong(w);
            if (beat != lastBeat[w]) {
                lastBeat[w] = beat;
                beatChangedAt[w] = now;
            }
            final Labels labels = Labels.of("worker", Integer.toString(w));
            beats.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(beat).build());
            up.dataPoint(gauge(labels, now - beatChangedAt[w] >= STALL_MILLIS ? 0 : 1));
        }
        out.add(beats.build());
        out.add(up.build());
        out.add(single("xlat_workers", "Worker threads running.", n));
    }

    private void bgp(List<MetricSnapshot> out, long now) {
        if (sources.bgpStatusFile() == null) {
            return;
        }
        final BgpStatusFile status = BgpStatusFile.read(sources.bgpStatusFile());
        if (status == null) {
            return;
        }
        final GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("xlat_bgp_session_up")
            .help("1 while the BGP session with the peer is Established.");
        final StateSetSnapshot.Builder state = StateSetSnapshot.builder().name("xlat_bgp_session_state")
            .help("The RFC 4271 state of the BGP session with the peer.");
        final GaugeSnapshot.Builder uptime = GaugeSnapshot.builder().name("xlat_bgp_session_uptime_seconds")
            .help("Time the session has been Established; 0 while it is not.");
        final GaugeSnapshot.Builder announced = GaugeSnapshot.builder().name("xlat_bgp_announced_prefixes")
            .help("Prefixes the peer holds from xlat now (0 after a withdrawal).");
        final GaugeSnapshot.Builder unsendable = GaugeSnapshot.builder().name("xlat_bgp_unsendable_prefixes")
            .help("Prefixes xlat wants announced that this session cannot carry (family not negotiated, no next hop).");
        final CounterSnapshot.Builder in = CounterSnapshot.builder().name("xlat_bgp_messages_received")
            .help("BGP messages received from the peer.");
        final CounterSnapshot.Builder sent = CounterSnapshot.builder().name("xlat_bgp_messages_sent")
            .help("BGP messages sent to the peer.");
        final CounterSnapshot.Builder malformed = CounterSnapshot.builder().name("xlat_bgp_malformed_updates_received")
            .help("UPDATEs from the peer treated as withdraw (RFC 7606).");
        for (final BgpStatusFile.Peer p : status.peers()) {
            final Labels peer = Labels.of("peer", p.name());
            up.dataPoint(gauge(peer, p.established() ? 1 : 0));
            final StateSetSnapshot.StateSetDataPointSnapshot.Builder s =
                StateSetSnapshot.StateSetDataPointSnapshot.builder().labels(peer);
            for (final SessionState known : SessionState.values()) {
                s.state(known.name(), known.name().equals(p.state()));
            }
            state.dataPoint(s.build());
            uptime.dataPoint(gauge(peer, p.uptimeMillis() > 0 ? p.uptimeMillis() / 1000.0 : 0));
            announced.dataPoint(gauge(peer, p.advertised()));
            unsendable.dataPoint(gauge(peer, p.unsendable()));
            in.dataPoint(counter(peer, p.messagesIn()));
            sent.dataPoint(counter(peer, p.messagesOut()));
            malformed.dataPoint(counter(peer, p.malformedIn()));
        }
        out.add(up.build());
        out.add(state.build());
        out.add(uptime.build());
        out.add(announced.build());
        out.add(unsendable.build());
        out.add(in.build());
        out.add(sent.build());
        out.add(malformed.build());
        out.add(single("xlat_bgp_wanted_prefixes",
            "Prefixes xlat announces while its data plane is healthy (what 'xlat routes' prints).", status.wanted()));
        if (status.writtenMillis() > 0) {
            out.add(single("xlat_bgp_status_age_seconds",
                "Age of the BGP status these series come from (rewritten every second; more means stale).",
                Math.max(0, now - status.writtenMillis()) / 1000.0));
        }
    }

    private void config(List<MetricSnapshot> out) {
        final ReloadStatus r = sources.reloads();
        out.add(single("xlat_config_generation", "The configuration running: 1 at start, one more per reload applied.",
            r.generation()));
        final ReloadStatus.Result last = r.last();
        out.add(single("xlat_config_last_reload_successful",
            "0 when the last reload was rejected or failed (the previous configuration runs), else 1.",
            last == ReloadStatus.Result.REJECTED || last == ReloadStatus.Result.FAILED ? 0 : 1));
        out.add(single("xlat_config_last_reload_timestamp_seconds",
            "When the last reload ended (the start time before the first reload), seconds since the epoch.",
            r.lastMillis() / 1000.0));
        final CounterSnapshot.Builder reloads = CounterSnapshot.builder().name("xlat_config_reloads")
            .help("Reloads (SIGHUP) by result: applied, rejected (invalid file) or failed (could not be applied).");
        for (final ReloadStatus.Result result : ReloadStatus.Result.values()) {
            if (result != ReloadStatus.Result.NONE) {
                reloads.dataPoint(counter(Labels.of("result", result.name().toLowerCase(java.util.Locale.ROOT)),
                    r.count(result)));
            }
        }
        out.add(reloads.build());
        out.add(single("xlat_start_time_seconds", "When this xlat started, seconds since the epoch.",
            r.startedMillis() / 1000.0));
    }

    private void info(List<MetricSnapshot> out) {
        out.add(InfoSnapshot.builder().name("xlat_build").help("The xlat version running.")
            .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build())
            .build());
        out.add(InfoSnapshot.builder().name("xlat_io_path")
            .help("How the workers move packets (path) and what runs (mode: siit on one device, or multi-device).")
            .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                .labels(Labels.of("mode", sources.mode(), "path", sources.ioPath().get())).build())
            .build());
    }

    /** A gauge of one sample without labels. */
    private static GaugeSnapshot single(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(gauge(Labels.EMPTY, value)).build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterSnapshot.CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
