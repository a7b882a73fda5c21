package io.xlat.control.run;

import io.xlat.control.bgp.BgpPeer;
import io.xlat.control.bgp.BgpSpeaker;
import io.xlat.control.bgp.session.RouteAttributes;
import io.xlat.control.bgp.session.RouteSet;
import io.xlat.control.bgp.session.SessionConfig;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.config.BgpConfig;
import io.xlat.control.routes.HostRoutes;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.tenant.TenantConfig;
import io.xlat.tunio.dataplane.DataplaneHealth;
import io.xlat.tunio.dataplane.DataplaneSettings;

import io.xlat.control.bgp.BgpPeerStatus;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What {@code xlat run} tells the BGP speaker: the {@link HostRoutes} set while the data plane is healthy, nothing
 * while it is not. Every translator builds the same attributes from the same file (ORIGIN IGP, no MED, no prepend,
 * the configured communities), so that the fabric sees equal paths and spreads traffic over them (ECMP).
 * The speaker is only told when the desired set changes; each session then sends just the delta. In tenant mode
 * the set is computed from the tenants whose device is up only ({@link #tenantsDown}), so that a tenant whose
 * device fails loses its prefixes while the others keep theirs.
 */
public final class BgpControl implements AutoCloseable {

    /** How long the stop waits for the withdrawals and the Cease to be written. */
    static final long STOP_TIMEOUT_MILLIS = 2_000;

    private final BgpConfig config;
    private final Consumer<RouteSet> sink;
    private final BgpSpeaker speaker;
    private final RunLog log;
    /** The routes to announce given the tenants that are down (constant in plain SIIT mode). */
    private Function<Set<String>, HostRoutes> routesFor;
    private Set<String> down = Set.of();
    private BgpConfig attributes;
    private RouteSet wanted;
    private RouteSet sent;
    private boolean healthy = true;
    private boolean stopping;
    private Thread statusWriter;
    private volatile Path statusFile;

    BgpControl(BgpConfig config, Function<Set<String>, HostRoutes> routesFor, Consumer<RouteSet> sink,
        BgpSpeaker speaker, RunLog log) {
        this.config = config;
        this.sink = sink;
        this.speaker = speaker;
        this.log = log;
        this.routesFor = routesFor;
        this.attributes = config;
        this.wanted = routeSet(config, routesFor.apply(down));
        this.sent = null;
    }

    /**
     * Tenant mode: the {@link HostRoutes} of the tenants not in {@code down}, plus pool6 and the EAM pools (the
     * caller withdraws those with everything else when the data plane as a whole fails). Computed from the
     * healthy subset rather than by removing prefixes, so that aggregation stays right: two tenants' ranges that
     * merged into one route split again when one of them goes.
     */
    public static HostRoutes healthyRoutes(TranslatorConfig translator, List<TenantConfig> tenants, Set<String> down) {
        final List<TenantConfig> healthy = new ArrayList<>();
        for (final TenantConfig t : tenants) {
            if (!down.contains(t.name())) {
                healthy.add(t);
            }
        }
        return HostRoutes.of(translator, healthy, !down.contains(GLOBAL_PATH));
    }

    /**
     * The name under which the plain-SIIT path (pool6, the EAM prefixes) goes down like a tenant: its device
     * (ipv4-tun or siit-tun) is down or gone, or there is none. No tenant name has parentheses.
     */
    public static final String GLOBAL_PATH = DataplaneHealth.GLOBAL_PATH;

    /**
     * Starts the sessions to every configured peer, announcing {@link #healthyRoutes} of what {@code running} runs
     * once each is Established; every path is taken as up until told. Without a device for plain SIIT (tenants
     * only) pool6 and the EAM prefixes are never announced.
     */
    public static BgpControl start(BgpConfig config, DataplaneSettings running, RunLog log) {
        return start(config, routes(running), log);
    }

    /** The routes to announce for what {@code running} runs, given the paths that are down. */
    static Function<Set<String>, HostRoutes> routes(DataplaneSettings running) {
        return tenantRoutes(running.translator(), running.tenants(), running.globalTun() != null);
    }

    static Function<Set<String>, HostRoutes> tenantRoutes(TranslatorConfig translator,
        List<TenantConfig> tenants, boolean globalPath) {
        final List<TenantConfig> copy = List.copyOf(tenants);
        if (globalPath) {
            return down -> healthyRoutes(translator, copy, down);
        }
        return down -> {
            final Set<String> without = new java.util.HashSet<>(down);
            without.add(GLOBAL_PATH);
            return healthyRoutes(translator, copy, without);
        };
    }

    private static BgpControl start(BgpConfig config, Function<Set<String>, HostRoutes> routesFor, RunLog log) {
        final BgpSpeaker speaker = new BgpSpeaker(peers(config), listen(config));
        final BgpControl control = new BgpControl(config, routesFor, speaker::routes, speaker, log);
        control.publish();
        try {
            speaker.start();
        } catch (RuntimeException e) {
            speaker.close(); // the listen address could not be bound: xlat run fails with the reason
            throw e;
        }
        log.info("bgp: AS " + config.asn() + ", " + config.peers().size() + (config.peers().size() == 1 ? " peer"
            : " peers") + (config.listen() == null ? "" : ", listening on " + config.listen().text())
            + ", announcing " + control.wanted.size() + " prefixes " + control.wanted);
        return control;
    }

    /** Where the speaker accepts connections ({@code bgp.listen}), or null. */
    static InetSocketAddress listen(BgpConfig config) {
        if (config.listen() == null) {
            return null;
        }
        try {
            // a literal, checked by the loader: never DNS
            return new InetSocketAddress(InetAddress.getByName(config.listen().host()), config.listen().port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bgp.listen: " + e.getMessage(), e);
        }
    }

    /**
     * One speaker peer per configured neighbour; the same session settings for all but the peer's AS and
     * whether it is passive.
     */
    static List<BgpPeer> peers(BgpConfig config) {
        final List<BgpPeer> peers = new ArrayList<>();
        for (final BgpConfig.Peer p : config.peers()) {
            final SessionConfig session = SessionConfig.builder(config.asn(), p.asn(), config.routerId())
                .name(p.name())
                .holdTime(config.holdTime())
                .passive(p.passive())
                .build();
            if (p.interfaceName() != null) {
                peers.add(BgpPeer.onInterface(p.interfaceName(), session));
                continue;
            }
            BgpPeer peer = BgpPeer.of(p.address(), session);
            if (p.password() != null) {
                peer = peer.withPassword(p.password());
            }
            peers.add(peer);
        }
        return peers;
    }

    /** The {@code xlat routes} set with the attributes every translator of this configuration gives it. */
    static RouteSet routeSet(BgpConfig config, HostRoutes routes) {
        RouteAttributes attributes = RouteAttributes.DEFAULT.withCommunities(config.communities())
            .withLargeCommunities(config.largeCommunities()).withAsPathPrepend(config.asPathPrepend());
        if (config.med() >= 0) {
            attributes = attributes.withMed(config.med());
        }
        if (config.localPref() >= 0) {
            attributes = attributes.withLocalPref(config.localPref());
        }
        final RouteSet.Builder set = RouteSet.builder();
        for (final HostRoutes.Route6 r : routes.ipv6()) {
            set.add(IpPrefix.of(r.prefix()), attributes);
        }
        for (final HostRoutes.Route4 r : routes.ipv4()) {
            set.add(IpPrefix.of(r.prefix()), attributes);
        }
        return set.build();
    }

    /** The bgp section read at start: peers, AS and timers stay as they were until a restart. */
    public BgpConfig config() {
        return config;
    }

    /**
     * Writes the sessions' state to {@code file} every {@code periodMillis} (replaced atomically, deleted on
     * close), for {@code xlat stats}: the speaker lives in this process, the stats command in another.
     */
    public void writeStatus(Path file, long periodMillis) {
        statusFile = file;
        final Thread t = new Thread(() -> {
            while (statusFile != null) {
                try {
                    final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                    Files.deleteIfExists(tmp);
                    // readable by xlat stats as any user, whatever the umask; written by the daemon alone
                    Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--")));
                    Files.writeString(tmp, status(speaker.status(), announced(), System.currentTimeMillis()));
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    Thread.sleep(periodMillis);
                } catch (IOException e) {
                    log.info("bgp: cannot write " + file + ": " + e.getMessage() + "; xlat stats will not show BGP");
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "xlat-bgp-status");
        t.setDaemon(true);
        statusWriter = t;
        t.start();
    }

    /**
     * The status file's text: a header, the announced prefixes, then one tab-separated line per peer (state,
     * uptime ms or -1, messages in, out, prefixes the peer holds, unsendable, malformed UPDATEs in, last error).
     */
    static String status(List<BgpPeerStatus> peers, RouteSet announced, long nowMillis) {
        final StringBuilder s = new StringBuilder("# xlat bgp status, written at ").append(nowMillis).append('\n');
        s.append("announced\t").append(announced == null ? 0 : announced.size()).append('\t')
            .append(announced == null ? "[]" : announced.toString()).append('\n');
        for (final BgpPeerStatus p : peers) {
            s.append("peer\t").append(p.peer()).append('\t').append(p.state()).append('\t').append(p.uptimeMillis())
                .append('\t').append(p.messagesIn()).append('\t').append(p.messagesOut()).append('\t')
                .append(p.advertised()).append('\t').append(p.unsendable()).append('\t').append(p.malformedIn())
                .append('\t').append(p.lastError() == null ? "" : p.lastError().replace('\t', ' ').replace('\n', ' '))
                .append('\n');
        }
        return s.toString();
    }

    /**
     * A reload: the routes of what {@code running} runs now (the new translator section and tenants), still
     * without the paths that are down now, replace the old set; the peers see only what changed.
     */
    public synchronized void reload(BgpConfig next, DataplaneSettings running) {
        final Function<Set<String>, HostRoutes> nextRoutes = routes(running);
        final RouteSet previous = wanted;
        routesFor = nextRoutes;
        attributes = next;
        wanted = routeSet(next, routesFor.apply(down));
        if (!previous.equals(wanted)) {
            final RouteSet.Delta delta = wanted.diffFrom(previous);
            log.info("bgp: reload: " + delta.withdraw().size() + " withdrawn " + delta.withdraw() + ", "
                + delta.announce().size() + " announced " + delta.announce());
        }
        if (!next.peers().equals(config.peers()) || next.asn() != config.asn() || next.routerId() != config.routerId()
            || next.holdTime() != config.holdTime() || !java.util.Objects.equals(next.listen(), config.listen())) {
            log.info("bgp: reload: the peers, asn, router-id, hold-time and listen are read at start only; restart "
                + "xlat to apply the changed ones");
        }
        publish();
    }

    /** The data plane's health: unhealthy withdraws everything, healthy again announces it again. */
    public synchronized void health(boolean value) {
        if (value != healthy) {
            healthy = value;
            log.info(value ? "bgp: data plane healthy again: announcing " + wanted.size() + " prefixes"
                : "bgp: data plane unhealthy: withdrawing every prefix");
            publish();
        }
    }

    /**
     * The tenants whose device is down or gone now (from the health monitor): their prefixes are withdrawn, the
     * other tenants' stay; a tenant that leaves the set is announced again.
     */
    public synchronized void tenantsDown(Set<String> value) {
        final Set<String> next = Set.copyOf(value);
        if (next.equals(down)) {
            return;
        }
        down = next;
        wanted = routeSet(attributes, routesFor.apply(down));
        log.info("bgp: tenants down " + new java.util.TreeSet<>(down) + ": announcing " + wanted.size()
            + " prefixes" + (healthy ? "" : " once the data plane is healthy again"));
        publish();
    }

    /** The set the peers are being given now. */
    public synchronized RouteSet announced() {
        return sent;
    }

    private void publish() {
        final RouteSet desired = healthy && !stopping ? wanted : RouteSet.EMPTY;
        if (!desired.equals(sent)) {
            sent = desired;
            sink.accept(desired);
        }
    }

    /**
     * The first step of a stop: withdraw every prefix while the data plane still forwards, so that the fabric
     * moves traffic to the other translators before this one goes dark. Waits until the UPDATEs are written.
     */
    public void withdrawForStop() {
        synchronized (this) {
            stopping = true;
            publish();
        }
        if (speaker != null) {
            await(speaker.withdrawAll(), "withdrawing");
        }
    }

    /** The last step of a stop, after the data plane: Cease with an RFC 8203 message, then the event loop ends. */
    @Override
    public void close() {
        final Path status = statusFile;
        statusFile = null;
        if (statusWriter != null) {
            statusWriter.interrupt();
            try {
                statusWriter.join(1_000);
                Files.deleteIfExists(status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                log.info("bgp: cannot remove " + status + ": " + e.getMessage());
            }
        }
        withdrawForStop();
        if (speaker != null) {
            await(speaker.stop("xlat stopping"), "sending Cease");
            speaker.close();
        }
    }

    private void await(java.util.concurrent.CompletableFuture<Void> step, String what) {
        try {
            step.get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.info("bgp: " + what + " took more than " + STOP_TIMEOUT_MILLIS + " ms; going on");
        } catch (ExecutionException e) {
            log.info("bgp: " + what + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
