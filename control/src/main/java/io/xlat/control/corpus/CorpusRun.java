package io.xlat.control.corpus;

import io.xlat.control.compare.CaptureComparison;
import io.xlat.control.compare.CapturedPacket;
import io.xlat.control.config.ConfigError;
import io.xlat.control.config.ConfigException;
import io.xlat.control.config.ConfigLoader;
import io.xlat.control.config.XlatConfig;
import io.xlat.control.replay.OfflineTranslator;
import io.xlat.control.replay.PcapReplay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the cases of a corpus one after the other in this process: each gets a fresh translator from its
 * configuration (parsed once per file), its input is replayed to a scratch file and compared with the expected
 * capture. With {@code update}, a case whose output differs has its expected capture replaced by the output.
 */
public final class CorpusRun {

    /**
     * @param filter     a glob over case names, or null for all
     * @param timestamps compare timestamps too
     * @param update     rewrite differing expected captures from the output
     */
    public record Settings(String filter, boolean timestamps, boolean update) {
    }

    /**
     * @param passed    the output matched (or, with update, was made the expected capture)
     * @param details   for a failure: what differs or what is wrong with the case; notes otherwise
     * @param updated   the expected file rewritten by update, or null
     * @param nanos     how long the case took
     */
    public record Result(String name, String description, boolean passed, List<String> details, Path updated,
        long nanos) {
    }

    private final Settings settings;
    private final Map<Path, Object> configs = new HashMap<>();

    private CorpusRun(Settings settings) {
        this.settings = settings;
    }

    /**
     * The cases of {@code root}, sorted by name: every directory in it (hidden ones excepted) whose name the
     * filter matches.
     *
     * @throws IOException when {@code root} is not a readable directory
     */
    public static List<CorpusCase> cases(Path root, String filter) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": " + (Files.exists(root) ? "not a directory" : "no such directory"));
        }
        final PathMatcher matcher = filter == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + filter);
        final Path corpusConfig = Files.isRegularFile(root.resolve("config.yaml")) ? root.resolve("config.yaml") : null;
        final List<Path> directories = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(root)) {
            for (final Path p : list) {
                final String name = p.getFileName().toString();
                if (Files.isDirectory(p) && !name.startsWith(".")
                    && (matcher == null || matcher.matches(p.getFileName()))) {
                    directories.add(p);
                }
            }
        }
        directories.sort(null);
        final List<CorpusCase> cases = new ArrayList<>();
        for (final Path d : directories) {
            cases.add(CorpusCase.read(d, corpusConfig));
        }
        return cases;
    }

    /** Runs {@code cases}, calling {@code each} with every result as it comes. */
    public static List<Result> run(List<CorpusCase> cases, Settings settings,
        Consumer<Result> each) throws IOException {
        final CorpusRun run = new CorpusRun(settings);
        final Path scratch = Files.createTempDirectory("xlat-test");
        final List<Result> results = new ArrayList<>();
        try {
            for (final CorpusCase c : cases) {
                final Result r = run.runCase(c, scratch);
                results.add(r);
                each.accept(r);
            }
        } finally {
            try (DirectoryStream<Path> left = Files.newDirectoryStream(scratch)) {
                for (final Path p : left) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(scratch);
        }
        return results;
    }

    private Result runCase(CorpusCase c, Path scratch) {
        final long start = System.nanoTime();
        final boolean canCreate = settings.update() && c.input() != null && !Files.exists(c.expected());
        if (c.problem() != null && !(canCreate && c.problem().startsWith(c.expected() + ":"))) {
            return fail(c, List.of(c.problem()), start);
        }
        final XlatConfig config;
        try {
            config = config(c.config());
        } catch (ConfigException e) {
            final List<String> lines = new ArrayList<>();
            lines.add(c.config() + ": configuration rejected");
            for (final ConfigError error : e.errors()) {
                lines.add(error.toString());
            }
            return fail(c, lines, start);
        }
        final OfflineTranslator offline;
        try {
            offline = OfflineTranslator.create(config, c.tenant(), c.config());
        } catch (RuntimeException e) {
            return fail(c, List.of("cannot create the translator: " + e.getMessage()), start);
        }
        final String extension = c.expected().getFileName().toString().endsWith(".pcapng") ? ".pcapng" : ".pcap";
        final Path output = scratch.resolve("out" + extension);
        try {
            PcapReplay.replay(c.input(), output, offline.step(), PcapReplay.Options.PLAIN);
            if (canCreate) {
                Files.copy(output, c.expected());
                return new Result(c.name(), c.description(), true, List.of("created " + c.expected().getFileName()),
                    c.expected(), System.nanoTime() - start);
            }
            final CaptureComparison.Result compared = CaptureComparison.compare(CapturedPacket.read(c.expected()),
                CapturedPacket.read(output), new CaptureComparison.Settings(c.ignore(), c.allowExtra(),
                    settings.timestamps()));
            final List<String> notes = new ArrayList<>();
            for (final String note : compared.notes()) {
                notes.add("note: " + note);
            }
            if (compared.matches()) {
                return new Result(c.name(), c.description(), true, notes, null, System.nanoTime() - start);
            }
            if (settings.update()) {
                Files.copy(output, c.expected(), StandardCopyOption.REPLACE_EXISTING);
                notes.add("updated " + c.expected().getFileName() + " (" + compared.differences().size()
                    + (compared.differences().size() == 1 ? " difference" : " differences") + " before, the first: "
                    + compared.differences().get(0) + ")");
                return new Result(c.name(), c.description(), true, notes, c.expected(), System.nanoTime() - start);
            }
            notes.addAll(0, compared.differences());
            return fail(c, notes, start);
        } catch (IOException | RuntimeException e) {
            return fail(c, List.of(e.getMessage() == null ? e.toString() : e.getMessage()), start);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // the scratch directory is removed at the end anyway
            }
        }
    }

    private XlatConfig config(Path path) throws ConfigException {
        if (path == null) {
            return XlatConfig.defaults();
        }
        final Object cached = configs.computeIfAbsent(path, p -> {
            try {
                return ConfigLoader.load(p);
            } catch (ConfigException e) {
                return e;
            }
        });
        if (cached instanceof ConfigException) {
            throw (ConfigException) cached;
        }
        return (XlatConfig) cached;
    }

    private static Result fail(CorpusCase c, List<String> details, long start) {
        return new Result(c.name(), c.description(), false, details, null, System.nanoTime() - start);
    }
}
