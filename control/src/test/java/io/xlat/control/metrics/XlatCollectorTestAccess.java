package io.xlat.control.metrics;

import java.io.IOException;

/** The exposition helpers of {@link XlatCollectorTest} for the end-to-end tests in other packages. */
public final class XlatCollectorTestAccess {

    private XlatCollectorTestAccess() {
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
    public static double value(String body, String name, String... labels) {
        return XlatCollectorTest.value(body, name, labels);
    }

    /** Fails unless {@code promtool check metrics} accepts {@code body} without a remark. */
    public static void promtoolAccepts(String body) throws IOException, InterruptedException {
        XlatCollectorTest.promtoolAccepts(body);
    }
}
