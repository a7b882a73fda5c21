package io.xlat.control.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scaling out a stateless translator: host1 and host2 run the same DC-SIIT front end (RFC 7755) and announce
 * the same prefixes, pool6 and the service's IPv4 address; the ToR holds a 2-way ECMP route for each. An IPv4
 * client on the ToR reaches the IPv6-only service as 203.0.113.10 through either; one is killed and the clients
 * keep working through the other, a transfer in flight included.
 */
final class EcmpScenario extends Scenario {

    static final List<String> NAMESPACES = List.of("tor", "host1", "host2", "svc", "client");
    static final List<String> HOSTS = List.of("host1", "host2");
    static final String POOL6 = "2001:db8:64::/96";
    static final String SERVICE_V4 = "203.0.113.10";
    static final String CLIENT = "198.51.100.2";
    static final int PAGES = 16;

    private final Process[] xlat = new Process[3];
    private String blob;

    EcmpScenario(Lab lab, Console console) {
        super(lab, console);
    }

    @Override
    List<String> describe() {
        return withFiles(
            "   client " + CLIENT + " (IPv4 only)",
            "     |",
            "    tor (BIRD, AS " + Lab.TOR_ASN + ") ------ svc: IPv6-only HTTP " + SERVICE,
            "   /    \\",
            " host1  host2    the same translator twice: pool6 " + POOL6 + ",",
            "                 the service as " + SERVICE_V4 + " (EAM); ECMP at the ToR",
            "",
            FILES);
    }

    @Override
    void build() {
        for (final String name : NAMESPACES) {
            lab.namespace(name);
        }
        buildFabric(HOSTS);
        lab.sysctl("tor", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        lab.link("tor", "client", "client", "tor");
        lab.address("tor", "client", "198.51.100.1/24");
        lab.address("client", "tor", CLIENT + "/24");
        lab.route("client", "route", "add", "default", "via", "198.51.100.1");
        smallReceiveWindow("client");
        for (int n = 1; n <= 2; n++) {
            final String host = "host" + n;
            lab.sysctl(host, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0",
                "net.ipv4.conf.default.rp_filter=0");
            // the translated replies to IPv4 clients leave through the ToR, over the IPv6 link (RFC 8950 style)
            lab.route(host, "-4", "route", "add", "default", "via", "inet6", torAddress(n), "dev", "tor");
            lab.tun(host, "xlat0");
            lab.write(host + ".yaml", hostConfig(n));
        }
        lab.tool();
        blob = webRoot("svc", "Hello from " + SERVICE + ", a service on the IPv6-only fabric", 3);
        startBird(HOSTS);
        lab.serve("svc", SERVICE, "www-svc");
        startHosts(xlat);
        awaitSteady(() -> HOSTS.stream().allMatch(lab::established) && paths(2) && kernelPaths() == 2);
    }

    String hostConfig(int n) {
        final List<String> lines = new ArrayList<>(List.of(
            "# xlat on host" + n + " of 'xlat demo --ecmp': a DC-SIIT front end (RFC 7755); host"
                + (3 - n) + " runs the",
            "# same translator: only the AS, router id and counters file differ",
            "translator:",
            "  pool6: " + POOL6 + "             # IPv4 clients appear on the fabric as 2001:db8:64::IPv4",
            "  eamt:                               # the IPv6-only service, as IPv4 clients see it",
            "    - {ipv4: " + SERVICE_V4 + "/32, ipv6: \"" + SERVICE + "/128\"}",
            "  ipv4-address: 192.0.2." + n + "              # source of the ICMP errors sent from here",
            "dataplane:",
            "  siit-tun: xlat0                     # one device, both families",
            "  workers: 1",
            "  manage-routes: true                 # pool6 and " + SERVICE_V4 + " into xlat0",
            "  counters-file: " + lab.file("host" + n + ".counters")));
        lines.addAll(bgpSection(n));
        return yaml(lines);
    }

    @Override
    void steps() {
        step(1, "BGP up; the ToR holds 2-way ECMP routes", this::ecmpRoutes);
        step(2, "clients reach the service through both", this::bothCarry);
        step(3, "kill -9 host1 mid-transfer: it completes", this::killOne);
        step(4, "new clients keep working through host2", this::afterWithdrawal);
        step(5, "host1 back: 2-way ECMP again", this::backAgain);
    }

    /** The ToR's routes for the DC-SIIT prefixes: pool6 and the service's IPv4 address, one line per path. */
    private List<String> dcSiitRoutes() {
        final List<String> routes = new ArrayList<>();
        for (final String r : lab.torRoutes("master6")) {
            if (r.startsWith(POOL6 + " ")) {
                routes.add(r);
            }
        }
        for (final String r : lab.torRoutes("master4")) {
            if (r.startsWith(SERVICE_V4 + "/32 ")) {
                routes.add(r);
            }
        }
        return routes;
    }

    private boolean paths(int n) {
        final List<String> routes = dcSiitRoutes();
        return routes.size() == 2 * n
            && (n == 2 || routes.stream().allMatch(r -> r.endsWith(hostAddress(2))));
    }

    private void ecmpRoutes(Step step) {
        final boolean up = awaitSessions(HOSTS, 20_000);
        step.check(lab.birdcCommand("show protocols"), up, "host1: " + (lab.established("host1") ? "Established"
            : "down") + ", host2: " + (lab.established("host2") ? "Established" : "down"));
        Lab.poll(10_000, () -> paths(2) && kernelPaths() == 2);
        final List<String> shown = named(dcSiitRoutes());
        step.check(lab.birdcCommand("show route"), paths(2), shown);
        final Shell.Result k = run("tor", "ip", "-6", "route", "show", POOL6);
        step.check(show("tor", "ip", "-6", "route", "show", POOL6), kernelPaths() == 2, lines(k.output(), 3));
    }

    /** How many next hops the ToR's kernel has for pool6. */
    private int kernelPaths() {
        final Shell.Result k = run("tor", "ip", "-6", "route", "show", POOL6);
        return (int) k.output().lines().filter(l -> l.contains("nexthop via")).count();
    }

    private long translated(String host) {
        if (xlat[host.equals("host1") ? 1 : 2] == null) {
            return 0;
        }
        final String stats = lab.stats(host);
        return Lab.counter(stats, "translated-46") + Lab.counter(stats, "translated-64");
    }

    /** {@link #PAGES} fetches, each a new connection: returns the tool's output. */
    private Shell.Result pages(Step step) {
        final String[] get = tool("get", "http://" + SERVICE_V4 + "/", Integer.toString(PAGES));
        final Shell.Result r = run("client", get);
        step.check(show("client", get), r.ok() && r.output().contains(PAGES + " of " + PAGES), lines(r.output(), 3));
        return r;
    }

    private void bothCarry(Step step) {
        final long h1 = translated("host1");
        final long h2 = translated("host2");
        pages(step);
        Shell.pause(50); // the workers publish their counters every millisecond at most
        final long d1 = translated("host1") - h1;
        final long d2 = translated("host2") - h2;
        step.check(lab.statsCommand("host1") + "; ... host2", d1 > 0 && d2 > 0,
            "packets translated: host1 " + d1 + ", host2 " + d2 + " (the ToR spreads flows by ports)");
    }

    private void killOne(Step step) {
        transferAcross(step, "client", "http://" + SERVICE_V4 + "/blob", blob,
            "= the service's blob, complete across the kill and the withdrawal", atKill -> {
                final long pid = xlat[1].pid();
                final long start = System.nanoTime();
                xlat[1].destroyForcibly();
                final boolean withdrawn = Lab.poll(5_000, () -> paths(1));
                final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                final List<String> shown = named(dcSiitRoutes());
                shown.add("killed with " + mib(atKill) + " of " + mib(BLOB_BYTES) + " received; host1's paths "
                    + "gone " + millis + " ms later");
                step.check("kill -9 " + pid + "   # xlat run on host1", withdrawn && millis <= 1_000, shown);
                xlat[1].waitFor(10, TimeUnit.SECONDS);
                xlat[1] = null;
            });
    }

    private void afterWithdrawal(Step step) {
        final long h2 = translated("host2");
        pages(step);
        Shell.pause(50);
        final long d2 = translated("host2") - h2;
        step.check(lab.statsCommand("host2"), d2 > 0, "host2 translated " + d2 + " packets; host1 is not running");
    }

    private void backAgain(Step step) {
        final long start = System.nanoTime();
        xlat[1] = lab.startXlat("host1", 2);
        lab.awaitXlat("host1", xlat[1], 2);
        final boolean back = Lab.poll(20_000, () -> paths(2) && kernelPaths() == 2);
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        final List<String> shown = named(dcSiitRoutes());
        shown.add("2 paths again " + Lab.seconds(millis) + " after the start");
        step.check(lab.xlatRunCommand("host1"), back, shown);
    }

    @Override
    List<String> explore() {
        return List.of(
            "ip netns exec " + lab.ns("client") + " python3 " + lab.file("tool.py") + " get http://"
                + SERVICE_V4 + "/",
            "ip netns exec " + lab.ns("tor") + " ip -6 route show " + POOL6,
            lab.birdcCommand("show route"),
            lab.statsCommand("host1"));
    }
}
