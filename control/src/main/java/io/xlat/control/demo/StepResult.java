package io.xlat.control.demo;

import java.util.List;

/** A finished step: passed only when every one of its checks did. */
public record StepResult(int number, String title, List<Check> checks, long millis, String error) {

    public boolean passed() {
        return error == null && !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }
}
