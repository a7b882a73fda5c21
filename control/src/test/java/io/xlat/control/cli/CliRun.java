package io.xlat.control.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the command line with captured output. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The lines written to stderr. */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\n");
    }
}
