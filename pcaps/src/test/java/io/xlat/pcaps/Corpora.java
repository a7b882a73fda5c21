package io.xlat.pcaps;

import io.xlat.control.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.xml.sax.SAXException;

/** Running {@code xlat} in this JVM on the golden corpus or a copy of some of its cases. */
final class Corpora {

    static final Path CASES = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("cases");

    private Corpora() {
    }

    /** One in-process run of the command line with captured output. */
    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run xlat(String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static List<Path> caseDirectories() throws IOException {
        try (Stream<Path> list = Files.list(CASES)) {
            return list.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** Copies golden case {@code name} into {@code corpus}, as a case of the same name. */
    static Path copyCase(String name, Path corpus) throws IOException {
        final Path to = corpus.resolve(name);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(CASES.resolve(name))) {
            for (final Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /** Validates a JUnit XML report against the schema CI readers expect (src/test/resources). */
    static void validateJUnit(Path report) throws IOException, SAXException {
        final SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.newSchema(Corpora.class.getResource("/junit-report.xsd")).newValidator()
            .validate(new StreamSource(report.toFile()));
    }
}
