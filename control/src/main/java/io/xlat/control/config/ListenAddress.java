package io.xlat.control.config;

import java.util.regex.Pattern;

/**
 * A {@code listen: "HOST:PORT"} value: an IP literal (no host names: the daemon resolves nothing) and a port.
 *
 * @param host an IPv4 or IPv6 literal, IPv6 without brackets
 * @param port 1..65535
 */
public record ListenAddress(String host, int port) {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** {@code 192.0.2.1:9464} or {@code [2001:db8::1]:9464}; null when it is neither. */
    public static ListenAddress parse(String text) {
        final String host;
        final String port;
        if (text.startsWith("[")) {
            final int close = text.indexOf("]:");
            if (close < 0) {
                return null;
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!IPV6.matcher(host).matches() || !validIpv6(host)) {
                return null;
            }
        } else {
            final int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return null;
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (!IPV4.matcher(host).matches() || !validIpv4(host)) {
                return null;
            }
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        final int p = Integer.parseInt(port);
        return p >= 1 && p <= 65535 ? new ListenAddress(host, p) : null;
    }

    private static boolean validIpv4(String host) {
        for (final String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean validIpv6(String host) {
        try {
            io.xlat.core.addr.Ipv6Prefix.parse(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code host:port}, IPv6 in brackets, as the file writes it. */
    public String text() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
