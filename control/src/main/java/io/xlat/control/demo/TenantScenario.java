package io.xlat.control.demo;

import io.xlat.control.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two hosts with overlapping tenants over a BGP fabric. Blue and red both use 10.0.0.0/24: host1 serves
 * 10.0.0.0/25 of each (blue1 and red1 are both 10.0.0.1), host2 10.0.0.128/25 (blue2 and red2 are both
 * 10.0.0.129). Each tenant has its own instance prefix, so every packet on the fabric is unique IPv6; each host
 * announces only its aggregates to the ToR.
 */
final class TenantScenario extends Scenario {

    static final List<String> NAMESPACES = List.of("tor", "host1", "host2", "blue1", "red1", "blue2", "red2", "svc");
    static final List<String> HOSTS = List.of("host1", "host2");
    static final String BLUE_PREFIX = "2001:db8:100:1::/96";
    static final String RED_PREFIX = "2001:db8:100:2::/96";
    /** blue1's and blue2's addresses on the fabric: blue's prefix and 10.0.0.1, 10.0.0.129 (RFC 6052). */
    static final String BLUE1_V6 = "2001:db8:100:1::a00:1";
    static final String RED2_V6 = "2001:db8:100:2::a00:81";
    /** What the ToR must hold: each tenant's /25 of each host as one /121, nothing per endpoint. */
    static final List<String> AGGREGATES = List.of(
        "2001:db8:100:1::a00:0/121 via " + hostAddress(1), "2001:db8:100:1::a00:80/121 via " + hostAddress(2),
        "2001:db8:100:2::a00:0/121 via " + hostAddress(1), "2001:db8:100:2::a00:80/121 via " + hostAddress(2));

    private final Process[] xlat = new Process[3];
    private String blueBlob;
    private String redBlob;

    TenantScenario(Lab lab, Console console) {
        super(lab, console);
    }

    @Override
    List<String> describe() {
        return withFiles(
            "                 svc: IPv6-only HTTP " + SERVICE,
            "                  |",
            "   host1 ------- tor (BIRD, AS " + Lab.TOR_ASN + ") ------- host2",
            "   xlat run, AS " + asn(1) + "          xlat run, AS " + asn(2),
            "   /      \\                                /      \\",
            " blue1   red1                           blue2    red2",
            " 10.0.0.1 10.0.0.1                 10.0.0.129  10.0.0.129",
            "",
            "blue: prefix " + BLUE_PREFIX + ", reaches the service as 100.64.0.10",
            "red:  prefix " + RED_PREFIX + "; the same IPv4 addresses as blue",
            "Configuration files (the README's 'what you just saw' walks through them):",
            "  " + lab.file("host1.yaml") + "   xlat run on host1",
            "  " + lab.file("host2.yaml") + "   xlat run on host2",
            "  " + lab.file("bird.conf") + "    BIRD on the ToR",
            "namespaces: " + lab.ns("NAME") + " for each NAME above");
    }

    @Override
    void build() {
        for (final String name : NAMESPACES) {
            lab.namespace(name);
        }
        buildFabric(HOSTS);
        for (int n = 1; n <= 2; n++) {
            final String host = "host" + n;
            lab.tun(host, "xlat6");
            final String address = n == 1 ? "10.0.0.1/32" : "10.0.0.129/32";
            for (final String tenant : List.of("blue", "red")) {
                lab.tun(tenant + n, "xlat-" + tenant);
                lab.address(tenant + n, "xlat-" + tenant, address);
            }
            lab.write(host + ".yaml", hostConfig(n));
        }
        smallReceiveWindow("blue1");
        lab.tool();
        blueBlob = webRoot("blue2", "blue2: tenant blue, 10.0.0.129 behind host2", 1);
        redBlob = webRoot("red2", "red2: tenant red, 10.0.0.129 behind host2", 2);
        webRoot("svc", "Hello from " + SERVICE + ", a service on the IPv6-only fabric", 3);
        startBird(HOSTS);
        lab.serve("blue2", "10.0.0.129", "www-blue2");
        lab.serve("red2", "10.0.0.129", "www-red2");
        lab.serve("svc", SERVICE, "www-svc");
        startHosts(xlat);
        awaitSteady(() -> HOSTS.stream().allMatch(lab::established)
            && lab.torRoutes("master6").equals(AGGREGATES));
    }

    /** Host {@code n}'s xlat configuration: both tenants, its half of their 10.0.0.0/24, the BGP session. */
    String hostConfig(int n) {
        final String range = n == 1 ? "10.0.0.0/25" : "10.0.0.128/25";
        final String other = n == 1 ? "10.0.0.128/25 is host2's" : "10.0.0.0/25 is host1's";
        final List<String> lines = new ArrayList<>(List.of(
            "# xlat on host" + n + " of 'xlat demo': tenants blue and red, " + range + " of each",
            "# (" + other + "); an ordinary 'xlat run --config' file",
            "translator:",
            "  ipv4-address: 192.0.2." + n + "           # source of the ICMP errors tenants get from here",
            "  ipv6-address: \"" + hostAddress(n) + "\"",
            "tenants:",
            "  - name: blue",
            "    prefix: \"" + BLUE_PREFIX + "\"   # blue's instance prefix, the same on every host",
            "    ipv4: [" + range + "]            # blue's addresses on this host",
            "    tun: xlat-blue                   # blue's IPv4 device ...",
            "    netns: " + lab.ns("blue" + n) + "        # ... in blue's namespace",
            "    services:                        # DC-SIIT: an IPv6-only service, as IPv4 for blue",
            "      - {ipv4: 100.64.0.10/32, ipv6: \"" + SERVICE + "/128\"}",
            "  - name: red",
            "    prefix: \"" + RED_PREFIX + "\"",
            "    ipv4: [" + range + "]            # the same IPv4 as blue: apart by prefix",
            "    tun: xlat-red",
            "    netns: " + lab.ns("red" + n),
            "dataplane:",
            "  ipv6-tun: xlat6                    # every instance prefix, towards the fabric",
            "  workers: 1",
            "  manage-routes: true                # routes into xlat6 and the tenants' defaults",
            "  counters-file: " + lab.file(host(n) + ".counters")));
        lines.addAll(bgpSection(n));
        return yaml(lines);
    }

    private static String host(int n) {
        return "host" + n;
    }

    @Override
    void steps() {
        step(1, "BGP up; the ToR holds aggregates only", this::bgp);
        step(2, "blue1 <-> blue2, red1 <-> red2: ping, TCP, UDP", this::tenantTraffic);
        step(3, "isolation: blue never reaches red", this::isolation);
        step(4, "a fabric capture, explained", this::capture);
        step(5, "blue1 fetches the IPv6-only service", this::service);
        step(6, "kill -9 xlat mid-transfer; the transfer completes", this::killNine);
        step(7, "host2 stops: withdrawn in 1 s, blue1 fails fast", this::hostStops);
    }

    private void bgp(Step step) {
        final boolean up = awaitSessions(HOSTS, 20_000);
        final List<String> shown = new ArrayList<>();
        for (final String host : HOSTS) {
            shown.add(host + ": " + (lab.established(host) ? "Established" : "not established"));
        }
        step.check(lab.birdcCommand("show protocols"), up, shown);
        Lab.poll(10_000, () -> lab.torRoutes("master6").equals(AGGREGATES));
        final List<String> routes = lab.torRoutes("master6");
        final List<String> table = named(routes);
        table.add(routes.size() + " routes: each tenant's /25 of each host as one /121");
        step.check(lab.birdcCommand("show route"), routes.equals(AGGREGATES), table);
    }

    private void tenantTraffic(Step step) {
        for (final String tenant : List.of("blue", "red")) {
            final String from = tenant + "1";
            final String[] ping = {"ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.0.129"};
            final Shell.Result p = run(from, ping);
            step.check(show(from, ping), p.ok(), grep(p.output(), "packets transmitted"));
            final String[] fetch = tool("fetch", "http://10.0.0.129/blob");
            final Shell.Result f = run(from, fetch);
            final String expected = tenant.equals("blue") ? blueBlob : redBlob;
            final List<String> shown = lines(f.output(), 2);
            shown.add(f.output().contains(expected) ? "= the SHA-256 of " + tenant + "2's blob, not the other's"
                : "expected " + tenant + "2's blob, sha256 " + expected);
            step.check(show(from, fetch), f.ok() && f.output().contains(expected), shown);
            final String[] udp = tool("udp", "10.0.0.129", "7", "hello-from-" + from);
            final Shell.Result u = run(from, udp);
            step.check(show(from, udp), u.ok() && u.output().contains("hello-from-" + from), lines(u.output(), 2));
        }
    }

    private long rxPackets(String name, String device) {
        final Shell.Result r = run(name, "cat", "/sys/class/net/" + device + "/statistics/rx_packets");
        return r.ok() ? Long.parseLong(r.output().trim()) : -1;
    }

    private void isolation(Step step) {
        final long red0 = rxPackets("red2", "xlat-red");
        final long blue0 = rxPackets("blue2", "xlat-blue");
        final String[] ping = {"ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.0.129"};
        final Shell.Result p = run("blue1", ping);
        final long red1 = rxPackets("red2", "xlat-red");
        final long blue1 = rxPackets("blue2", "xlat-blue");
        step.check(show("blue1", ping), p.ok() && blue1 - blue0 >= 3 && red1 == red0,
            grep(p.output(), "packets transmitted").stream().findFirst().orElse("no answer"),
            "blue2's device got " + (blue1 - blue0) + " packets, red2's " + (red1 - red0)
                + " (ip -n " + lab.ns("red2") + " -s link show xlat-red)");

        final long drops0 = Lab.counter(lab.stats("host2"), "drop tenant-foreign-source");
        final String[] forge = tool("forge", BLUE1_V6, RED2_V6, "7", "3");
        final Shell.Result f = run("tor", forge);
        step.check(show("tor", forge), f.ok(), lines(f.output(), 2));
        final boolean counted = Lab.poll(3_000,
            () -> Lab.counter(lab.stats("host2"), "drop tenant-foreign-source") - drops0 >= 3);
        final String stats = lab.stats("host2");
        final long red2 = rxPackets("red2", "xlat-red");
        final List<String> shown = new ArrayList<>(grep(stats, "tenant-foreign-source"));
        shown.add("host2 dropped blue's packets to red2 (" + (Lab.counter(stats, "drop tenant-foreign-source")
            - drops0) + " more); red2's device got " + (red2 - red1));
        step.check(lab.statsCommand("host2"), counted && red2 == red1, shown);
    }

    private void capture(Step step) {
        final String pcap = lab.file("fabric.pcap").toString();
        final String[] tcpdump = {"tcpdump", "-i", "host1", "-n", "-U", "-c", "4", "-w", pcap, "ip6", "net",
            "2001:db8:100::/48"};
        final Process dump = lab.start("tor", "tcpdump.log", tcpdump);
        Lab.await("tcpdump", 10_000, () -> !dump.isAlive() || lab.read("tcpdump.log").contains("listening"));
        run("blue1", "ping", "-c", "1", "-W", "2", "10.0.0.129");
        run("red1", "ping", "-c", "1", "-W", "2", "10.0.0.129");
        try {
            if (!dump.waitFor(5, TimeUnit.SECONDS)) {
                Shell.stop(dump, 2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        step.check(show("tor", tcpdump), lab.size("fabric.pcap") > 24, "4 packets on the link tor-host1 into "
            + pcap);
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "explain", "--config",
            lab.file("host1.yaml").toString(), "--pcap", pcap);
        final String text = out.toString();
        final boolean blue = text.lines().anyMatch(l -> l.contains("tenant blue") && l.contains("10.0.0.1 -> "
            + "10.0.0.129"));
        final boolean red = text.lines().anyMatch(l -> l.contains("tenant red") && l.contains("10.0.0.1 -> "
            + "10.0.0.129"));
        final List<String> shown = lines(text + err, 4);
        step.check(settingsLauncher() + " explain --config " + lab.file("host1.yaml") + " --pcap " + pcap,
            code == 0 && blue && red, shown);
    }

    private String settingsLauncher() {
        return lab.settings.launcher();
    }

    private void service(Step step) {
        final String[] get = tool("get", "http://100.64.0.10/");
        final Shell.Result r = run("blue1", get);
        step.check(show("blue1", get), r.ok() && r.output().contains("IPv6-only"), lines(r.output(), 2));
        final List<String> seen = grep(lab.read("svc-serve.log"), "GET / ");
        final boolean asBlue1 = !seen.isEmpty() && seen.get(seen.size() - 1).startsWith(BLUE1_V6 + " ");
        step.check("cat " + lab.file("svc-serve.log"), asBlue1, seen.isEmpty() ? List.of("no request logged")
            : List.of(seen.get(seen.size() - 1), "the service saw blue1 as " + BLUE1_V6));
    }

    private void killNine(Step step) {
        transferAcross(step, "blue1", "http://10.0.0.129/blob", blueBlob,
            "= blue2's blob: the TCP connection survived the translator's death", atKill -> {
                final long pid = xlat[1].pid();
                xlat[1].destroyForcibly();
                final long killed = System.nanoTime();
                final boolean died = xlat[1].waitFor(10, TimeUnit.SECONDS);
                step.check("kill -9 " + pid + "   # xlat run on host1", died && xlat[1].exitValue() == 137,
                    "killed with " + mib(atKill) + " of " + mib(BLOB_BYTES) + " received by blue1");
                xlat[1] = lab.startXlat("host1", 2);
                lab.awaitXlat("host1", xlat[1], 2);
                final boolean back = Lab.poll(20_000, () -> lab.established("host1"));
                final long gap = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                step.check(lab.xlatRunCommand("host1"), back, "running again and BGP Established "
                    + Lab.seconds(gap) + " after the kill");
            });
    }

    private void hostStops(Step step) {
        final long pid = xlat[2].pid();
        final long start = System.nanoTime();
        xlat[2].destroy();
        final boolean withdrawn = Lab.poll(5_000,
            () -> lab.torRoutes("master6").stream().noneMatch(r -> r.endsWith(hostAddress(2))));
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        final List<String> shown = named(lab.torRoutes("master6"));
        shown.add("host2's prefixes withdrawn " + millis + " ms after SIGTERM");
        step.check("kill " + pid + "   # xlat run on host2 (SIGTERM)", withdrawn && millis <= 1_000, shown);
        Shell.stop(xlat[2], 10_000);

        final String[] ping = {"ping", "-c", "1", "-W", "3", "10.0.0.129"};
        final Shell.Result p = run("blue1", ping);
        final List<String> unreachable = grep(p.output(), "Unreachable");
        final List<String> pingShown = new ArrayList<>(unreachable.isEmpty() ? lines(p.output(), 2) : unreachable);
        pingShown.add("failed in " + p.millis() + " ms");
        step.check(show("blue1", ping), !p.ok() && !unreachable.isEmpty() && p.millis() < 1_000, pingShown);
        final String[] get = tool("get", "http://10.0.0.129/");
        final Shell.Result g = run("blue1", get);
        step.check(show("blue1", get), !g.ok() && g.output().contains("No route to host") && g.millis() < 1_500,
            lines(g.output(), 2));
    }

    @Override
    List<String> explore() {
        if (xlat[2] != null && !xlat[2].isAlive()) {
            xlat[2] = lab.startXlat("host2", 3);
            lab.awaitXlat("host2", xlat[2], 3);
            Lab.await("host2's prefixes on the ToR again", 20_000,
                () -> lab.established("host2") && lab.torRoutes("master6").equals(AGGREGATES));
        }
        return List.of(
            "ip netns exec " + lab.ns("blue1") + " ping 10.0.0.129",
            "ip netns exec " + lab.ns("red1") + " ping 10.0.0.129",
            "ip netns exec " + lab.ns("tor") + " tcpdump -n -i host1 ip6",
            lab.statsCommand("host1"),
            lab.birdcCommand("show route"),
            "ip netns exec " + lab.ns("blue1") + " python3 " + lab.file("tool.py") + " get http://100.64.0.10/");
    }
}
