package io.xlat.control.bgp.session;

import io.xlat.control.bgp.wire.IpPrefix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An immutable set of routes to announce: IPv4 and IPv6 prefixes, each with its attributes, in prefix order. The
 * session keeps the set the peer holds and sends only the {@link Delta} to a new desired set.
 */
public final class RouteSet {

    public static final RouteSet EMPTY = new RouteSet(new TreeMap<>());

    private final NavigableMap<IpPrefix, RouteAttributes> routes;

    private RouteSet(NavigableMap<IpPrefix, RouteAttributes> routes) {
        this.routes = Collections.unmodifiableNavigableMap(routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Prefix to attributes, sorted by family then address then length. */
    public NavigableMap<IpPrefix, RouteAttributes> routes() {
        return routes;
    }

    public int size() {
        return routes.size();
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    public RouteAttributes get(IpPrefix prefix) {
        return routes.get(prefix);
    }

    /** The routes of one address family. */
    public RouteSet family(int afi) {
        final TreeMap<IpPrefix, RouteAttributes> subset = new TreeMap<>();
        for (final Map.Entry<IpPrefix, RouteAttributes> e : routes.entrySet()) {
            if (e.getKey().afi() == afi) {
                subset.put(e.getKey(), e.getValue());
            }
        }
        return new RouteSet(subset);
    }

    /** The routes of the selected families. */
    RouteSet families(boolean ipv4, boolean ipv6) {
        if (ipv4 && ipv6) {
            return this;
        }
        final TreeMap<IpPrefix, RouteAttributes> subset = new TreeMap<>();
        for (final Map.Entry<IpPrefix, RouteAttributes> e : routes.entrySet()) {
            if (e.getKey().isIpv4() ? ipv4 : ipv6) {
                subset.put(e.getKey(), e.getValue());
            }
        }
        return new RouteSet(subset);
    }

    /**
     * What to send to move a peer that holds {@code previous} to this set: prefixes to withdraw (gone), and
     * prefixes to announce (new, or with changed attributes: an announcement implicitly replaces the old
     * route, RFC 4271 section 3.1).
     */
    public Delta diffFrom(RouteSet previous) {
        final List<IpPrefix> withdraw = new ArrayList<>();
        for (final IpPrefix p : previous.routes.keySet()) {
            if (!routes.containsKey(p)) {
                withdraw.add(p);
            }
        }
        final TreeMap<IpPrefix, RouteAttributes> announce = new TreeMap<>();
        for (final Map.Entry<IpPrefix, RouteAttributes> e : routes.entrySet()) {
            if (!e.getValue().equals(previous.routes.get(e.getKey()))) {
                announce.put(e.getKey(), e.getValue());
            }
        }
        return new Delta(List.copyOf(withdraw), new RouteSet(announce));
    }

    /** A change to send: {@code withdraw} first, then {@code announce}. */
    public record Delta(List<IpPrefix> withdraw, RouteSet announce) {
        public boolean isEmpty() {
            return withdraw.isEmpty() && announce.isEmpty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteSet other && routes.equals(other.routes);
    }

    @Override
    public int hashCode() {
        return routes.hashCode();
    }

    @Override
    public String toString() {
        return routes.keySet().toString();
    }

    public static final class Builder {
        private final TreeMap<IpPrefix, RouteAttributes> routes = new TreeMap<>();

        public Builder add(IpPrefix prefix, RouteAttributes attributes) {
            routes.put(prefix, attributes);
            return this;
        }

        public Builder add(String prefix, RouteAttributes attributes) {
            return add(IpPrefix.parse(prefix), attributes);
        }

        public Builder addAll(RouteSet other) {
            routes.putAll(other.routes);
            return this;
        }

        public RouteSet build() {
            return new RouteSet(new TreeMap<>(routes));
        }
    }
}
