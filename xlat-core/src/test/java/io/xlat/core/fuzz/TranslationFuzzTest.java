package io.xlat.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of both translation directions from raw bytes, under {@link TranslationOracle}'s
 * invariants. In a normal build ({@code mvn verify}) Jazzer replays the committed corpus in
 * {@code src/test/resources/io/xlat/core/fuzz/TranslationFuzzTestInputs/translate}; with {@code JAZZER_FUZZ=1} it
 * fuzzes for up to five minutes; the long run uses Jazzer's command line on {@link #fuzzerTestOneInput}
 * (docs/testing.md has the command and its figures).
 */
public class TranslationFuzzTest {

    private static final TranslationOracle ORACLE = new TranslationOracle();

    @FuzzTest(maxDuration = "5m")
    void translate(byte[] input) {
        ORACLE.check(input);
    }

    /** The same target for Jazzer's command line ({@code --target_class}), which takes runs and time as flags. */
    public static void fuzzerTestOneInput(byte[] input) {
        ORACLE.check(input);
    }
}
