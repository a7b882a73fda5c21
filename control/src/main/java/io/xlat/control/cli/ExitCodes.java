package io.xlat.control.cli;

/** Process exit codes of every {@code xlat} command. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The command was valid but failed while running: unreadable input, unwritable output, a translator fault. */
    public static final int FAILURE = 1;
    /** Bad arguments or a rejected configuration file: nothing was done. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
