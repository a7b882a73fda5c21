package io.xlat.tunio.tun;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the io_uring tests need first, here and in control's: a kernel that sets up a ring (CI's does: there a
 * refusal is a failure).
 */
public final class UringTesting {

    private UringTesting() {
    }

    /** Aborts the test where io_uring is refused, or fails it with XLAT_REQUIRE_ROOT_TESTS=1. */
    public static void requireIoUring() {
        final String why = IoUring.unavailable();
        if (why == null) {
            return;
        }
        if ("1".equals(System.getenv("XLAT_REQUIRE_ROOT_TESTS"))) {
            fail("XLAT_REQUIRE_ROOT_TESTS=1 but io_uring is unavailable: " + why);
        }
        Assumptions.abort("io_uring unavailable here: " + why);
    }
}
