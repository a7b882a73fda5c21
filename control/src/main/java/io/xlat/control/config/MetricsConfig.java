package io.xlat.control.config;

/**
 * The {@code metrics:} section: where {@code xlat run} serves its Prometheus endpoint, or nowhere.
 *
 * @param host the address to listen on (an IP literal, IPv6 without brackets), or null when metrics are off
 * @param port the TCP port, 1..65535
 */
public record MetricsConfig(String host, int port) {

    /** What {@code metrics: {}} listens on: loopback, the port registered for Prometheus exporters of this kind. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:9464";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9464;

    /** No {@code metrics:} section: no endpoint. */
    public static final MetricsConfig DISABLED = new MetricsConfig(null, 0);

    public boolean enabled() {
        return host != null;
    }

    /** {@code host:port}, IPv6 in brackets, as the file writes it; "off" when disabled. */
    public String listen() {
        if (host == null) {
            return "off";
        }
        return new ListenAddress(host, port).text();
    }
}
