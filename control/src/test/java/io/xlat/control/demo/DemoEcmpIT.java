package io.xlat.control.demo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code xlat demo --ecmp} end to end: two translators behind a 2-way ECMP route at the BIRD ToR both carry
 * clients, one is killed during a transfer, which completes, new clients work through the other, and the killed
 * one comes back into the route; the namespaces are gone afterwards. Needs root, BIRD, python3, ping, tcpdump.
 */
class DemoEcmpIT {

    @Test
    void shouldPassEveryStepOfTheScaleOutScenarioAndRemoveItsNamespaces() throws Exception {
        try (DemoRunner demo = new DemoRunner()) {
            final Demo.Outcome outcome = demo.run(true, false);
            demo.assertEverySteps(outcome, List.of("BGP up; the ToR holds 2-way ECMP", "clients reach the "
                + "service through both", "kill -9 host1 mid-transfer", "new clients keep working", "host1 back"));
            assertEquals(List.of(), demo.namespaces(), "the demo removes its namespaces");
        }
    }
}
