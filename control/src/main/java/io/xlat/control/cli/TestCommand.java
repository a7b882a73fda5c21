package io.xlat.control.cli;

import io.xlat.control.corpus.CorpusCase;
import io.xlat.control.corpus.CorpusRun;
import io.xlat.control.corpus.JUnitReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xlat test}: regression testing with captures, over a corpus of cases. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    header = "Replay a corpus of captures and compare each output with its expected capture.",
    description = {
        "%nEvery directory of CORPUS is a case (sorted by name, hidden ones skipped):",
        "  CORPUS/config.yaml        optional: the configuration of every case without its own",
        "  CORPUS/NAME/config.yaml   optional: this case's configuration (else the corpus's, else the defaults)",
        "  CORPUS/NAME/in.pcap       or in.pcapng: the packets fed to the translator",
        "  CORPUS/NAME/expected.pcap or expected.pcapng: what it must write",
        "  CORPUS/NAME/case.yaml     optional: tenant: NAME (IPv4 input comes from this tenant's device),",
        "                            ignore: [ipv4.id, \"bytes:4-5\", ...], allow-extra: true, description: TEXT",
        "  CORPUS/NAME/args          optional, older form of case.yaml: --tenant NAME, --ignore FIELD, --allow-extra",
        "%nAll cases run in this one process, each with a fresh translator (IPv4 Identification counter 0, full "
            + "ICMP rate-limit bucket), as 'xlat replay' would run it. Output packets are matched with expected ones "
            + "in order, each with the next expected packet of the same family, source and destination; missing and "
            + "extra packets are failures (allow-extra makes extra ones a note). Timestamps are not compared unless "
            + "--timestamps is given.",
        "%nOne line per case, 'PASS NAME' or 'FAIL NAME'; a failure is followed by its first differences, named "
            + "field by field ('packet 2: IPv6 hop limit: expected 63, got 62'), or by the missing file or rejected "
            + "configuration that makes it fail. Then 'N passed, M failed' alone on a line.",
        "%nField names for ignore: ipv4.id, ipv4.checksum, ipv4.tos, ipv4.ttl, ipv4.df, ipv6.flow-label, "
            + "ipv6.traffic-class, ipv6.hop-limit, ipv6.fragment-id, udp.checksum, tcp.checksum, icmpv4.checksum, "
            + "icmpv6.checksum, payload; inner.* for the packet inside an ICMP error (inner.ipv4.id); bytes:A-B for "
            + "bytes A to B of the IP packet. A checksum over an ignored field is verified, not compared.",
        "%nExit code 0 when every case passes, 1 when any fails, 2 when CORPUS cannot be read.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  xlat test pcaps/cases",
        "  xlat test --junit target/xlat-test.xml --filter '9*' my-corpus",
        "  xlat test --update my-corpus       # after a reviewed change: expected := output",
        "",
        "Making a first corpus from today's behaviour:",
        "  mkdir -p corpus/dns && cp capture.pcapng corpus/dns/in.pcapng && cp xlat.yaml corpus/config.yaml",
        "  xlat test --update corpus         # creates corpus/dns/expected.pcap from the current output"})
final class TestCommand implements Callable<Integer> {

    /** Differences printed per failed case; the JUnit report has them all. */
    static final int DIFFERENCES_SHOWN = 5;

    @Parameters(index = "0", paramLabel = "CORPUS", description = "The directory of cases.")
    Path corpus;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE.")
    Path junit;

    @Option(names = "--update", description = "Rewrite the expected capture of each case whose output differs "
        + "(or create it where it is missing) from the current output, and say which changed. The case then passes.")
    boolean update;

    @Option(names = "--filter", paramLabel = "GLOB", description = "Only the cases whose name matches GLOB "
        + "(e.g. '9*', '*-46').")
    String filter;

    @Option(names = "--timestamps", description = "Compare timestamps too (for expected captures made by 'xlat "
        + "replay', which stamps each output packet with its input's time).")
    boolean timestamps;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        final String name = spec.qualifiedName();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Instant started = Instant.now();
        final List<CorpusCase> cases;
        try {
            cases = CorpusRun.cases(corpus, filter);
        } catch (IOException e) {
            err.println(name + ": error: " + IoErrors.describe(e));
            err.flush();
            return ExitCodes.USAGE;
        }
        if (cases.isEmpty()) {
            err.println(name + ": warning: " + corpus + " holds no case" + (filter == null ? ""
                : " whose name matches '" + filter + "'"));
        }
        final List<CorpusRun.Result> results;
        try {
            results = CorpusRun.run(cases, new CorpusRun.Settings(filter, timestamps, update), r -> print(r, out));
        } catch (IOException e) {
            err.println(name + ": error: " + IoErrors.describe(e));
            err.flush();
            return ExitCodes.FAILURE;
        }
        long failed = 0;
        for (final CorpusRun.Result r : results) {
            failed += r.passed() ? 0 : 1;
        }
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        out.flush();
        if (junit != null) {
            final Path absolute = corpus.toAbsolutePath().normalize();
            try {
                JUnitReport.write(junit, "xlat test " + (absolute.getFileName() == null ? absolute
                    : absolute.getFileName()), results, started);
            } catch (IOException e) {
                err.println(name + ": error: " + IoErrors.describe(e));
                err.flush();
                return ExitCodes.FAILURE;
            }
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static void print(CorpusRun.Result r, PrintWriter out) {
        out.println((r.passed() ? "PASS " : "FAIL ") + r.name() + (r.updated() != null ? " (updated "
            + r.updated().getFileName() + ")" : ""));
        final int shown = r.passed() ? r.details().size() : Math.min(DIFFERENCES_SHOWN, r.details().size());
        for (int i = 0; i < shown; i++) {
            out.println("  " + r.details().get(i));
        }
        if (shown < r.details().size()) {
            out.println("  ... and " + (r.details().size() - shown) + " more");
        }
    }
}
