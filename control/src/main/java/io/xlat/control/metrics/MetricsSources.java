package io.xlat.control.metrics;

import org.agrona.concurrent.status.CountersReader;

import java.nio.file.Path;
import java.util.function.IntToLongFunction;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Where the endpoint reads what it serves, each asked once per scrape. None of them touches the workers: the
 * counters are the file the workers already publish to, and a heartbeat is one volatile read.
 *
 * @param counters      the live counters (a read-only mapping of the counters file)
 * @param tenantOf      the tenant whose device this is, or "" for plain SIIT's devices and the shared IPv6 device
 * @param workers       the number of workers
 * @param heartbeat     worker {@code w}'s heartbeat, bumped once per loop (also when idle)
 * @param bgpStatusFile the status file the BGP speaker rewrites every second, or null without BGP
 * @param reloads       the configuration generation and the last reload
 * @param ioPath        how the workers move packets, e.g. {@code tun-offload}; an info label
 * @param mode          what runs: {@code siit} (one device) or {@code multi-device}; an info label
 */
public record MetricsSources(Supplier<CountersReader> counters, UnaryOperator<String> tenantOf, IntSupplier workers,
    IntToLongFunction heartbeat, Path bgpStatusFile, ReloadStatus reloads, Supplier<String> ioPath, String mode) {
}
