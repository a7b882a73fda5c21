package io.xlat.control.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one demo: refuses to start when the machine is not fit for it, builds the scenario's topology, runs its
 * steps, prints the summary, and removes the namespaces again: at the end, on a failure, and on Ctrl-C (a
 * shutdown hook). With {@code --keep} the topology stays up and the demo prints what to try in it.
 */
public final class Demo {

    private final DemoSettings settings;
    private final Console console;
    private final Object cleanupLock = new Object();
    private boolean settled;

    public Demo(DemoSettings settings, Console console) {
        this.settings = settings;
        this.console = console;
    }

    /** The outcome: every step's result; {@code refused} when nothing was started. */
    public record Outcome(List<StepResult> steps, List<String> refused) {
        public boolean passed() {
            return refused.isEmpty() && !steps.isEmpty() && steps.stream().allMatch(StepResult::passed);
        }
    }

    public Outcome run() {
        final Shell probe = new Shell();
        final List<String> problems = Preflight.check(probe, settings);
        if (!problems.isEmpty()) {
            console.line("xlat demo: cannot start:");
            for (final String p : problems) {
                for (final String l : Console.wrap(p, "  - ", "    ")) {
                    console.line(l);
                }
            }
            return new Outcome(List.of(), problems);
        }
        try {
            Files.createDirectories(settings.dir());
        } catch (IOException e) {
            throw new DemoException("cannot create " + settings.dir() + ": " + e.getMessage());
        }
        final long start = System.nanoTime();
        final Lab lab = new Lab(settings);
        final Scenario scenario = settings.ecmp() ? new EcmpScenario(lab, console) : new TenantScenario(lab, console);
        final Thread main = Thread.currentThread();
        final Thread hook = new Thread(() -> interrupted(lab, main), "xlat-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            console.heading(settings.ecmp()
                ? "xlat demo --ecmp: two stateless translators behind one ECMP route"
                : "xlat demo: two hosts, overlapping tenants, an IPv6 BGP fabric");
            console.line("");
            for (final String l : scenario.describe()) {
                console.line(l);
            }
            console.line("");
            console.line("Setting up (namespaces, BIRD, xlat run on each host, BGP) ...");
            final long built;
            try {
                scenario.build();
                built = System.nanoTime();
            } catch (DemoException e) {
                console.say("xlat demo: the set-up failed: " + e.getMessage());
                console.line("(logs in " + settings.dir() + ")");
                return new Outcome(List.of(new StepResult(0, "set-up", List.of(), 0, e.getMessage())), List.of());
            }
            console.line("Ready in " + Lab.seconds((built - start) / 1_000_000) + ".");
            console.line("");
            scenario.steps();
            console.summary(scenario.results, (System.nanoTime() - start) / 1_000_000);
            if (settings.keep() && !Thread.currentThread().isInterrupted()) {
                keep(lab, scenario);
            }
            return new Outcome(List.copyOf(scenario.results), List.of());
        } finally {
            synchronized (cleanupLock) {
                if (!settled) {
                    settled = true;
                    if (!settings.keep() || Thread.currentThread().isInterrupted()) {
                        lab.close();
                        console.say("Removed the demo's namespaces; its files stay in " + settings.dir() + ".");
                    }
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
    }

    private void keep(Lab lab, Scenario scenario) {
        final List<String> commands = new ArrayList<>(scenario.explore());
        lab.keep();
        console.line("");
        console.heading("The topology stays up (--keep). Try:");
        for (final String c : commands) {
            for (final String l : Console.wrapCommand(c, "      ", "  ")) {
                console.line(l);
            }
        }
        console.say("Configuration files and logs: " + settings.dir());
        console.line("Remove it all with: " + settings.launcher() + " demo --down");
    }

    /** Ctrl-C (or SIGTERM) while the demo runs: stop the steps and remove everything, --keep or not. */
    private void interrupted(Lab lab, Thread main) {
        synchronized (cleanupLock) {
            if (settled) {
                return;
            }
            settled = true;
        }
        main.interrupt();
        console.line("");
        console.line("xlat demo: interrupted; removing its namespaces and processes");
        lab.close();
    }

    /** {@code --down}: removes a kept topology (every namespace either scenario uses, and what runs in them). */
    public static List<String> down(DemoSettings settings) {
        final Shell shell = new Shell();
        final List<String> present = Preflight.taken(shell.exec("ip", "netns", "list").output(),
            settings.allNamespaces());
        final List<String> ordered = new ArrayList<>(settings.allNamespaces());
        ordered.retainAll(present);
        return Lab.removeNamespaces(shell, ordered);
    }

    /** Whether this process may create namespaces (for --down's refusal). */
    public static boolean root() {
        return Preflight.isRoot();
    }
}
