package io.xlat.tunio.dataplane;

import org.junit.jupiter.api.Test;

import static io.xlat.tunio.dataplane.MissingDevices.RETRY_NANOS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pace of re-attach tries: a missing device is tried a second after it went missing, then once a second. */
class MissingDevicesTest {

    private final MissingDevices missing = new MissingDevices();

    @Test
    void shouldReportADeviceGoneOnceAndTryItOnlyASecondLater() {
        assertTrue(missing.gone("xb-red in netns r", 0), "the first sight is reported");
        assertFalse(missing.gone("xb-red in netns r", 150_000_000L), "and only the first");
        assertFalse(missing.due("xb-red in netns r", 0), "not tried at once: the health checks withdraw first");
        assertFalse(missing.due("xb-red in netns r", RETRY_NANOS - 1));
        assertTrue(missing.due("xb-red in netns r", RETRY_NANOS));
    }

    @Test
    void shouldTryAMissingDeviceAtMostOnceASecondHoweverOftenItIsAsked() {
        missing.gone("xlat6", 0);
        int tries = 0;
        for (long now = 0; now < 5 * RETRY_NANOS; now += 150_000_000L) {
            if (missing.due("xlat6", now)) {
                tries++;
            }
        }
        assertTrue(tries == 4, "one try per second after the first: " + tries);
    }

    @Test
    void shouldLogEachReasonATryFailsOnlyOnce() {
        missing.gone("xb-red", 0);
        assertTrue(missing.failed("xb-red", "EBUSY"));
        assertFalse(missing.failed("xb-red", "EBUSY"));
        assertTrue(missing.failed("xb-red", "EINVAL"), "a new reason is news");
    }

    @Test
    void shouldForgetADeviceThatIsBackSoThatItsNextLossIsReportedAgain() {
        missing.gone("xb-blue", 0);
        missing.back("xb-blue");
        assertFalse(missing.isMissing("xb-blue"));
        assertFalse(missing.due("xb-blue", 10 * RETRY_NANOS), "a device that is not missing is never tried");
        assertTrue(missing.gone("xb-blue", 20 * RETRY_NANOS));
    }

    @Test
    void shouldTellADeviceUpAgainOnceAfterItWasSeenDown() {
        assertFalse(missing.linkUp("xb-blue", true), "up from the start: nothing to put back");
        assertFalse(missing.linkUp("xb-blue", false));
        assertFalse(missing.linkUp("xb-blue", false));
        assertTrue(missing.isDown("xb-blue"), "asked about until it is up again");
        assertTrue(missing.linkUp("xb-blue", true), "up again: the kernel deleted its routes when it went down");
        assertFalse(missing.isDown("xb-blue"));
        assertFalse(missing.linkUp("xb-blue", true), "and told once");
    }

    @Test
    void shouldPaceEachDeviceOnItsOwn() {
        missing.gone("xb-blue", 0);
        missing.gone("xb-red", RETRY_NANOS / 2);
        assertTrue(missing.due("xb-blue", RETRY_NANOS));
        assertFalse(missing.due("xb-red", RETRY_NANOS));
        assertTrue(missing.due("xb-red", RETRY_NANOS + RETRY_NANOS / 2));
    }
}
