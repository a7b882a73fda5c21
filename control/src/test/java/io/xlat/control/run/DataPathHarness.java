package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the data-path tests of each topology share: starting translators on one {@link DataPath}, waiting until
 * they are warm and checking that they say which path runs, and stopping them after each path.
 */
abstract class DataPathHarness {

    private final List<Process> translators = new ArrayList<>();

    /**
     * Starts {@code xlat run ARGS} on {@code path} in {@code ns}, logging to {@code log}; returns once it has
     * started (its warm-up may still run: {@link #awaitWarm}).
     */
    Process start(NamespaceLab lab, String ns, Path log, DataPath path, String... args) throws Exception {
        final Process p = lab.startXlat(ns, log, "xlat: started: ", path.after(args));
        translators.add(p);
        return p;
    }

    /**
     * Waits for the warm-up (its scratch worker would compete for the cores with the traffic) and checks that
     * the start line and {@code xlat stats} name the path.
     */
    static void awaitWarm(DataPath path, Path log, Path countersFile) throws InterruptedException {
        NamespaceLab.await("the warm-up in " + log, 30_000, () -> NamespaceLab.read(log).contains("warm-up: "));
        path.assertNamedIn(NamespaceLab.read(log), NamespaceLab.stats(countersFile));
    }

    @AfterEach
    void stopTranslators() {
        for (final Process p : translators) {
            NamespaceLab.stop(p, 10_000);
        }
        translators.clear();
    }
}
