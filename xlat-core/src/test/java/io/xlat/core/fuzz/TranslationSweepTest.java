package io.xlat.core.fuzz;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short fixed-seed run of {@link TranslationFuzzTest} that every build makes: each committed seed mutated
 * 2,000 times by a seeded {@link Random} (bit flips, random bytes, length and checksum fields rewritten,
 * truncation and extension), each mutant held to {@link TranslationOracle}'s invariants. Deterministic: a failure
 * names the seed file and the mutation number that reproduce it.
 */
class TranslationSweepTest {

    private static final int MUTANTS_PER_SEED = 2_000;

    @Test
    void shouldHoldEveryInvariantForMutantsOfEverySeed() throws Exception {
        final List<FuzzCorpus.Seed> seeds = FuzzCorpus.read(TranslationFuzzTest.class, "translate");
        assertTrue(seeds.size() >= 20, "the committed corpus: " + seeds.size() + " seeds");
        final TranslationOracle oracle = new TranslationOracle();
        for (final FuzzCorpus.Seed seed : seeds) {
            final Random random = new Random(seed.name().hashCode());
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                final byte[] mutant = FuzzCorpus.mutate(seed.bytes(), random, 2);
                try {
                    oracle.check(mutant);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(seed.name() + " mutant " + i + ": " + TranslationOracle.hex(mutant), e);
                }
            }
        }
    }
}
