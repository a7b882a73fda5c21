package io.xlat.control.demo;

import java.util.List;

/**
 * One piece of a step's evidence: the command a user can re-run (as printed, with short namespace names
 * resolved), what it showed, and whether that is what the step expects.
 */
public record Check(String command, List<String> shown, boolean passed) {
}
