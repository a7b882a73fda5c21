package io.xlat.control.demo;

import io.xlat.control.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xlat demo} end to end, as the README's main job runs it: every step passes (BGP and aggregates on the
 * ToR, tenant traffic, isolation, the explained capture, the IPv6-only service, kill -9 mid-transfer, a stopped
 * host withdrawn within 1 s), {@code --keep} leaves a working topology that {@code --down} removes, it refuses
 * to start over its own namespaces, and Ctrl-C removes everything. Needs root, BIRD, python3, ping, tcpdump.
 */
class DemoIT {

    private DemoRunner demo;

    @BeforeEach
    void prepare() throws Exception {
        demo = new DemoRunner();
    }

    @AfterEach
    void cleanUp() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void shouldPassEveryStepAndKeepAWorkingTopologyUntilDown() throws Exception {
        final Demo.Outcome outcome = demo.run(false, true);
        demo.assertEverySteps(outcome, List.of("BGP up", "blue1 <-> blue2", "isolation", "a fabric capture",
            "blue1 fetches the IPv6-only service", "kill -9", "host2 stops"));
        assertTrue(Files.readString(demo.dir.resolve("host1.yaml")).contains("tenants:"), "the printed config");

        assertEquals(8, demo.namespaces().size(), "--keep leaves every namespace: " + demo.namespaces());
        final Shell.Result ping = new Shell().in(demo.prefix + "blue1", "ping", "-c", "1", "-W", "3", "10.0.0.129");
        assertTrue(ping.ok(), "the kept topology works, host2 running again: " + ping.output());
        assertTrue(demo.output.toString().contains("ip netns exec " + demo.prefix + "blue1 ping 10.0.0.129"),
            "--keep prints how to explore it");

        final StringWriter out = new StringWriter();
        final int code = Main.execute(new PrintWriter(out), new PrintWriter(out), "demo", "--down",
            "--namespace-prefix", demo.prefix, "--dir", demo.dir.toString());
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().contains("removed " + demo.prefix + "tor"), out.toString());
        assertEquals(List.of(), demo.namespaces(), "--down removes every namespace");
    }

    @Test
    void shouldRefuseToStartWhenOneOfItsNamespacesExists() {
        final Shell shell = new Shell();
        shell.must("ip", "netns", "add", demo.prefix + "tor");
        final Demo.Outcome outcome = demo.run(false, false);
        assertTrue(outcome.steps().isEmpty(), "nothing ran");
        assertEquals(1, outcome.refused().size(), outcome.refused().toString());
        assertTrue(outcome.refused().get(0).contains("namespace " + demo.prefix + "tor already exists"),
            outcome.refused().toString());
        assertTrue(outcome.refused().get(0).contains("'xlat demo --down' removes"), outcome.refused().toString());
        assertEquals(List.of(demo.prefix + "tor"), demo.namespaces(), "and it did not touch it");
    }

    @Test
    void shouldRemoveItsNamespacesAndProcessesOnCtrlC() throws Exception {
        final List<String> argv = new ArrayList<>(DemoSettings.thisJvm());
        argv.addAll(List.of("demo", "--namespace-prefix", demo.prefix, "--dir", demo.dir.toString()));
        final java.nio.file.Path log = demo.dir.resolve("demo.out");
        final Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            final boolean ready = Lab.poll(60_000, () -> !p.isAlive() || read(log).contains("Ready in"));
            assertTrue(ready && p.isAlive(), "the demo got going: " + read(log));
            final long xlatProcesses = demo.namespaces().stream()
                .mapToLong(ns -> new Shell().exec("ip", "netns", "pids", ns).output().split("\\s+").length).sum();
            assertTrue(xlatProcesses > 0, "processes run in its namespaces");
            new Shell().must("kill", "-INT", Long.toString(p.pid()));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the demo ends after Ctrl-C: " + read(log));
            assertTrue(read(log).contains("interrupted; removing"), read(log));
            assertEquals(List.of(), demo.namespaces(), "no namespace left:\n" + read(log));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(java.nio.file.Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
