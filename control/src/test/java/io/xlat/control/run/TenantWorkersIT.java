package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import io.xlat.control.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.xlat.control.run.TenantNamespaceIT.counter;
import static io.xlat.control.run.TenantNamespaceIT.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link TenantNamespaceIT} topology with two workers: xlat6 and both tenant devices are multi-queue with
 * two queues, and concurrent flows to eight peers per tenant must all come back to their own tenant, whichever
 * queue the kernel hashed them to; the flows spread over both workers (all sixteen landing on one queue by chance
 * is a 2^-15 event). A reload must switch both workers before a
 * removed tenant's device closes. Needs root.
 */
class TenantWorkersIT {
    /** How the log starts the line of a reload applied. */
    private static final String RELOADED = "reloaded: translator section and ";


    private static final int WORKERS = 2;
    /** Peers per tenant, 10.0.0.200 and up: distinct addresses hash to queues independently of each other. */
    private static final int FLOWS = 8;

    private static TwoTenantLab topology;
    private static NamespaceLab lab;
    private static Path dir;
    private static Path config;
    private static Process xlat;

    @BeforeAll
    static void buildTopologyAndStartXlatWithTwoWorkers() throws Exception {
        NamespaceLab.requireRoot("ping", "tcpdump");
        topology = new TwoTenantLab("xtw", FLOWS);
        lab = topology.lab;
        dir = lab.dir;
        config = topology.config;
        xlat = lab.startJava(topology.nsx, topology.xlatLog, "xlat: started: ", TenantWorkersLauncher.class.getName(),
            config.toString(), Integer.toString(WORKERS));

        topology.tenantSides();
    }

    private static String config(boolean withGreen) {
        return topology.config(withGreen);
    }

    @AfterAll
    static void stopXlatAndDeleteNamespaces() {
        NamespaceLab.stopAndClose(lab, xlat, topology.xlatLog);
    }

    @Test
    void shouldOpenEveryDeviceWithOneQueuePerWorker() {
        assertTrue(lab.run("ip", "-d", "-n", topology.nsx, "link", "show", "xlat6").contains("multi_queue numqueues 2"),
            lab.run("ip", "-d", "-n", topology.nsx, "link", "show", "xlat6"));
        assertTrue(lab.run("ip", "-d", "-n", topology.nsBlue, "link", "show", "xb-blue")
            .contains("multi_queue numqueues 2"));
        assertTrue(lab.run("ip", "-d", "-n", topology.nsRed, "link", "show", "xb-red")
            .contains("multi_queue numqueues 2"));
        final String stats = stats();
        assertTrue(stats.contains("\nxlat6 (2 workers)") && stats.contains("\nxb-blue (2 workers)")
            && stats.contains("\nxb-red (2 workers)"), stats);
    }

    @Test
    void shouldReturnEveryFlowToItsOwnTenantWhenTwoWorkersShareTheFlows() throws Exception {
        final long blueBefore = counter(stats(), "xb-blue", "tx-packets");
        final long redBefore = counter(stats(), "xb-red", "tx-packets");
        final List<CompletableFuture<NamespaceLab.Result>> pings = new ArrayList<>();
        for (int k = 0; k < FLOWS; k++) {
            final String peer = "10.0.0." + (200 + k);
            pings.add(CompletableFuture.supplyAsync(() ->
                lab.execIn(topology.nsBlue, 20_000, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", peer)));
            pings.add(CompletableFuture.supplyAsync(() ->
                lab.execIn(topology.nsRed, 20_000, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", peer)));
        }
        for (final CompletableFuture<NamespaceLab.Result> ping : pings) {
            final NamespaceLab.Result r = ping.get();
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains(" 0% packet loss"), r.output());
        }

        // a reply that crossed over would show up as a missing reply above and an extra one here
        assertEquals(5 * FLOWS, counter(stats(), "xb-blue", "tx-packets") - blueBefore, stats());
        assertEquals(5 * FLOWS, counter(stats(), "xb-red", "tx-packets") - redBefore, stats());
        final String perWorker = perWorker();
        for (int w = 0; w < WORKERS; w++) {
            assertTrue(workerCounter(perWorker, "xb-blue q" + w, "rx-packets")
                + workerCounter(perWorker, "xb-red q" + w, "rx-packets") > 0, "worker " + w + " read tenant flows: "
                + perWorker);
        }
    }

    @Test
    void shouldAddAndRemoveATenantBySighupWhileTwoWorkersForwardAnotherTenantsFlow() throws Exception {
        final CompletableFuture<NamespaceLab.Result> red = CompletableFuture.supplyAsync(() ->
            lab.execIn(topology.nsRed, 30_000, "ping", "-n", "-c", "200", "-i", "0.01", "-W", "2", "10.0.0.200"));
        Thread.sleep(500);

        Files.writeString(config, config(true));
        hangUp();
        NamespaceLab.await("the reload to apply", 10_000, () -> log().contains(RELOADED + "3 tenants"));
        Files.writeString(config, config(false));
        hangUp();
        NamespaceLab.await("the removal to apply", 10_000, () -> log().contains(RELOADED + "2 tenants"));
        final NamespaceLab.Result r = red.get();

        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("200 packets transmitted, 200 received, 0% packet loss"), r.output());
        assertTrue(xlat.isAlive(), log());
        assertTrue(log().contains(RELOADED + "3 tenants, 1 devices opened, 0 closed"), log());
        assertTrue(log().contains(RELOADED + "2 tenants, 0 devices opened, 1 closed"), log());
        assertTrue(lab.exec(5_000, "ip", "-n", topology.nsx, "link", "show", "xb-green").exitCode() != 0,
            "xb-green is gone");
    }

    private static void hangUp() {
        lab.run("kill", "-HUP", Long.toString(xlat.pid()));
    }

    private static String perWorker() {
        final StringWriter out = new StringWriter();
        Main.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "stats", "--per-worker",
            "--counters-file", topology.countersFile.toString());
        return out.toString();
    }

    /** A counter of one worker's section of {@code xlat stats --per-worker} ("xb-blue q1"); 0 when absent. */
    private static long workerCounter(String stats, String group, String label) {
        // the same shape as a device's section, which NamespaceLab.counter reads, once named like one
        return counter(stats.replace("\n" + group + "\n", "\n" + group + " (worker)\n"), group, label);
    }

    private static String stats() {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "stats", "--counters-file",
            topology.countersFile.toString());
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    /** What xlat has logged so far. */
    private static String log() {
        return read(topology.xlatLog);
    }
}
