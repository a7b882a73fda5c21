package io.xlat.tunio.dataplane;

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
     * What every worker's translator shares and a reload keeps: the ICMP error budget (while {@code icmp-rate}
     * stays the same: a reload must not hand out a fresh burst) and the secret key of the IPv4 identifications
     * (RFC 7739 §5.3: not predictable from outside).
     */
    record Shared(TokenBucket icmpLimit, int icmpRate, int idKey) {

        static Shared create(TranslatorConfig config) {
            return new Shared(new TokenBucket(config.icmpRate()), config.icmpRate(), new SecureRandom().nextInt());
        }

        /** This, or a new bucket with the same key when the rate changed. */
        Shared follow(TranslatorConfig config) {
            return config.icmpRate() == icmpRate ? this
                : new Shared(new TokenBucket(config.icmpRate()), config.icmpRate(), idKey);
        }
    }

    /**
     * One translator per worker for {@code config}, sharing one mapping and {@code shared}. With {@code previous}
     * (a reload), worker {@code w}'s translator counts into {@code previous[w]}, the global drop counters of the
     * translator it replaces, so that the counts run on.
     */
    static Translator[] build(TranslatorConfig config, DropCounters[] previous, int workers, Shared shared) {
        final AddressMapping mapping = new AddressMapping(config);
        final SecureRandom random = new SecureRandom();
        final Translator[] translators = new Translator[workers];
        for (int w = 0; w < workers; w++) {
            final DropCounters drops = previous == null ? new DropCounters() : previous[w];
            translators[w] = new Translator(config, mapping, drops, shared.idKey(), random.nextInt(),
                shared.icmpLimit());
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
