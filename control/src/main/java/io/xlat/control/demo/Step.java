package io.xlat.control.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A step while it runs: collects its checks; {@link #result} closes it. */
final class Step {
    final int number;
    final String title;
    private final long start = System.nanoTime();
    private final List<Check> checks = new ArrayList<>();

    Step(int number, String title) {
        this.number = number;
        this.title = title;
    }

    /** Records a check; returns whether it passed, so that a step can stop at the first failure if it must. */
    boolean check(String command, boolean passed, String... shown) {
        return check(command, passed, Arrays.asList(shown));
    }

    boolean check(String command, boolean passed, List<String> shown) {
        checks.add(new Check(command, List.copyOf(shown), passed));
        return passed;
    }

    StepResult result(String error) {
        return new StepResult(number, title, List.copyOf(checks), (System.nanoTime() - start) / 1_000_000, error);
    }
}
