/** The {@code xlat} command line (picocli): subcommands, exit codes, one-line error reporting. */
package io.xlat.control.cli;
