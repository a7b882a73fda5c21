package io.xlat.control.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.xlat.control.config.MetricsConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Prometheus endpoint: {@code GET /metrics} on {@code metrics.listen}, served by the official client's HTTP
 * server on one daemon thread of its own (scrapes are rare and cheap; a slow scraper waits for the previous one).
 * Its registry holds only xlat's collector: no JVM metrics, so that every series is about the translator.
 */
public final class MetricsServer implements AutoCloseable {

    private final HTTPServer server;
    private final ExecutorService executor;

    private MetricsServer(HTTPServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Listens on {@code config} and serves {@code collector}; fails when the address cannot be bound. */
    public static MetricsServer start(MetricsConfig config, XlatCollector collector) throws IOException {
        if (!config.enabled()) {
            throw new IllegalArgumentException("metrics are off in this configuration");
        }
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "xlat-metrics");
            t.setDaemon(true); // never what keeps the JVM from exiting on SIGTERM
            return t;
        });
        try {
            final HTTPServer server = HTTPServer.builder()
                .inetAddress(InetAddress.getByName(config.host()))
                .port(config.port())
                .registry(registry)
                .executorService(executor)
                .buildAndStart();
            return new MetricsServer(server, executor);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /** The port bound (the configured one). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}
