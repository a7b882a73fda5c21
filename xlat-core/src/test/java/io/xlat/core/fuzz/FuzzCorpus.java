package io.xlat.core.fuzz;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** The committed seed corpus of a Jazzer fuzz test, and the seeded mutations the sweep tests apply to it. */
public final class FuzzCorpus {

    /** One seed file: its name (what it exercises) and bytes. */
    public record Seed(String name, byte[] bytes) {
    }

    private FuzzCorpus() {
    }

    /** The files of {@code <TestClass>Inputs/<method>/} next to the test class, sorted by name. */
    public static List<Seed> read(Class<?> test, String method) throws IOException, URISyntaxException {
        final URL url = test.getResource(test.getSimpleName() + "Inputs/" + method);
        if (url == null) {
            throw new IOException("no corpus " + test.getSimpleName() + "Inputs/" + method);
        }
        final List<Seed> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (final Path file : files.sorted().toList()) {
                seeds.add(new Seed(file.getFileName().toString(), Files.readAllBytes(file)));
            }
        }
        return seeds;
    }

    /**
     * A mutant of {@code seed}: one to four edits among bit flips, random bytes, a 16-bit field set to an edge
     * value (0, 1, 0xFFFF, the length itself, off by one), truncation and appended bytes. The first {@code keep}
     * bytes (a target's scenario selector) are only ever bit-flipped.
     */
    public static byte[] mutate(byte[] seed, Random random, int keep) {
        byte[] out = seed.clone();
        final int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length > 0; e++) {
            final int at = random.nextInt(out.length);
            switch (random.nextInt(6)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[Math.max(at, Math.min(keep, out.length - 1))] = (byte) random.nextInt(256);
                case 2 -> {
                    final int field = Math.max(at, keep);
                    if (field + 1 < out.length) {
                        final int[] edges = {0, 1, 0xFFFF, 0x8000, out.length - keep, out.length - keep + 1,
                            out.length - keep - 1, random.nextInt(65536)};
                        final int v = edges[random.nextInt(edges.length)];
                        out[field] = (byte) (v >> 8);
                        out[field + 1] = (byte) v;
                    }
                }
                case 3 -> out = java.util.Arrays.copyOf(out, Math.max(keep, at));
                case 4 -> {
                    final byte[] longer = java.util.Arrays.copyOf(out, out.length + 1 + random.nextInt(64));
                    for (int i = out.length; i < longer.length; i++) {
                        longer[i] = (byte) random.nextInt(256);
                    }
                    out = longer;
                }
                default -> {
                    if (at >= keep) {
                        out[at] = (byte) (random.nextBoolean() ? 0 : 0xFF);
                    }
                }
            }
        }
        return out;
    }
}
