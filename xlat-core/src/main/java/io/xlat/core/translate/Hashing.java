package io.xlat.core.translate;

/** Cheap, allocation-free hashes for spreading choices (RFC 6791 pool addresses) over a key. */
final class Hashing {
    private Hashing() {
    }

    static int hash(int value) {
        return IdentificationGenerator.fmix32(value);
    }

    static int hash(long hi, long lo) {
        return IdentificationGenerator.fmix32((int) (hi ^ (hi >>> 32) ^ lo ^ (lo >>> 32)));
    }
}
