package io.xlat.control.bgp.session;

import java.util.Random;

/** A Random whose nextDouble is fixed, to pin jitter: 0 gives the full delay, values near 1 give three quarters. */
final class FixedRandom extends Random {

    private static final long serialVersionUID = 1L;

    private final double value;

    FixedRandom(double value) {
        this.value = value;
    }

    @Override
    public double nextDouble() {
        return value;
    }
}
