package io.xlat.core.translate;

/**
 * IPv4 Identification for translated IPv6 packets that get DF = 0 (RFC 7915 section 5.1: "set according to a
 * Fragment Identification generation algorithm at the translator"). RFC 7739 section 5.3: a keyed hash of the
 * addresses gives each destination its own sequence offset, and one shared counter advances it, so ids are
 * neither global-counter predictable nor per-flow state. Key and counter start at 0 in replay (deterministic
 * goldens) and random in the daemon. The exact formula is documented in docs/translation-choices.md.
 */
public final class IdentificationGenerator {
    private final int key;
    private int counter;

    public IdentificationGenerator(int key, int initialCounter) {
        this.key = key;
        this.counter = initialCounter;
    }

    public int next(int sourceIpv4, int destinationIpv4) {
        final int h = fmix32(fmix32(key ^ sourceIpv4) ^ destinationIpv4);
        return (h + counter++) & 0xFFFF;
    }

    static int fmix32(int value) {
        int h = value;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
