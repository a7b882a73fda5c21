package io.xlat.control.run;

import io.xlat.core.addr.AddressMapping;
import io.xlat.core.config.TranslatorConfig;
import io.xlat.core.drop.DropCounters;
import io.xlat.core.translate.TokenBucket;
import io.xlat.core.translate.Translator;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/** The workers' translators of one configuration generation, and the wait for every worker to take them. */
final class WorkerTranslators {

    /** How long a reload waits for the workers to take the new generation (each does between two batches). */
    static final long SWITCH_TIMEOUT_MILLIS = 5_000;

    private WorkerTranslators() {
    }

    /**
     * One translator per worker for {@code config}, sharing one mapping and one ICMP error rate limit. With
     * {@code previous} (a reload), worker {@code w}'s translator counts into {@code previous[w]}, the global drop
     * counters of the translator it replaces, so that the counts run on.
     */
    static Translator[] build(TranslatorConfig config, DropCounters[] previous, int workers) {
        final AddressMapping mapping = new AddressMapping(config);
        // one bucket for the process: icmp-rate is the host's rate, not the rate times the workers
        final TokenBucket icmpLimit = new TokenBucket(config.icmpRate());
        // RFC 7739 §5.3 ids: a secret key, so that identifications are not predictable from outside; one key for
        // all workers
        final SecureRandom random = new SecureRandom();
        final int idKey = random.nextInt();
        final Translator[] translators = new Translator[workers];
        for (int w = 0; w < workers; w++) {
            final DropCounters drops = previous == null ? new DropCounters() : previous[w];
            translators[w] = new Translator(config, mapping, drops, idKey, random.nextInt(), icmpLimit);
        }
        return translators;
    }

    /**
     * Waits until {@code switched} holds for every worker, or {@link #SWITCH_TIMEOUT_MILLIS}.
     *
     * @throws IOException when a worker did not switch in time (stuck or dead), or on interrupt
     */
    static void awaitSwitch(int workers, IntPredicate switched) throws IOException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWITCH_TIMEOUT_MILLIS);
        for (int w = 0; w < workers; w++) {
            while (!switched.test(w)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("reload: worker " + w + " did not switch within " + SWITCH_TIMEOUT_MILLIS
                        + " ms");
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("reload interrupted", e);
                }
            }
        }
    }
}
