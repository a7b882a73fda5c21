package io.xlat.core.translate;

/**
 * The Parameter Problem pointer tables of RFC 7915 section 4.2 (IPv4 header offsets to IPv6) and section 5.2
 * (IPv6 header offsets to IPv4). -1 means "n/a": the RFC says to drop the error.
 */
final class ParameterProblemPointers {

    /**
     * RFC 7915 §4.2, Figure 3: Version/IHL 0-&gt;0, Type Of Service 1-&gt;1, Total Length 2,3-&gt;4,
     * Identification 4,5 n/a, Flags/Fragment Offset 6,7 n/a, Time to Live 8-&gt;7, Protocol 9-&gt;6,
     * Header Checksum 10,11 n/a, Source Address 12-15-&gt;8, Destination Address 16-19-&gt;24.
     */
    private static final int[] POINTER_46 = {
        0, 1, 4, 4, -1, -1, -1, -1, 7, 6, -1, -1, 8, 8, 8, 8, 24, 24, 24, 24,
    };

    private ParameterProblemPointers() {
    }

    static int pointer46(int ipv4Pointer) {
        return ipv4Pointer >= 0 && ipv4Pointer < POINTER_46.length ? POINTER_46[ipv4Pointer] : -1;
    }

    /**
     * RFC 7915 §5.2, Figure 6: Version/Traffic Class 0-&gt;0, Traffic Class/Flow Label 1-&gt;1, Flow Label 2,3
     * n/a, Payload Length 4,5-&gt;2, Next Header 6-&gt;9, Hop Limit 7-&gt;8, Source Address 8-23-&gt;12,
     * Destination Address 24-39-&gt;16.
     */
    static int pointer64(long ipv6Pointer) {
        if (ipv6Pointer < 0 || ipv6Pointer > 39) {
            return -1;
        }
        final int p = (int) ipv6Pointer;
        if (p <= 1) {
            return p;
        }
        if (p <= 3) {
            return -1;
        }
        if (p <= 5) {
            return 2;
        }
        if (p == 6) {
            return 9;
        }
        if (p == 7) {
            return 8;
        }
        return p <= 23 ? 12 : 16;
    }
}
