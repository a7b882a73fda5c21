package io.xlat.tunio.pcap;

/**
 * The pcap LINKTYPE_* values this package understands (the tcpdump.org link-layer header types registry).
 * These are the values stored in files, not the platform's DLT_* values.
 */
public final class LinkType {

    /** IEEE 802.3 Ethernet: 14-byte header, optionally 802.1Q / 802.1ad tags. */
    public static final int ETHERNET = 1;
    /** Raw IPv4 or IPv6, chosen by the version nibble. */
    public static final int RAW = 101;
    /** Linux "cooked" capture v1 (tcpdump -i any before libpcap 1.10): 16-byte header. */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture v2: 20-byte header. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    public static boolean isSupported(int linkType) {
        return linkType == ETHERNET || linkType == RAW || linkType == LINUX_SLL || linkType == IPV4
            || linkType == IPV6 || linkType == LINUX_SLL2;
    }

    /** A short human name for messages, e.g. "ethernet (1)". */
    public static String describe(int linkType) {
        final String name;
        switch (linkType) {
            case ETHERNET: name = "ethernet"; break;
            case RAW: name = "raw"; break;
            case LINUX_SLL: name = "linux-sll"; break;
            case IPV4: name = "ipv4"; break;
            case IPV6: name = "ipv6"; break;
            case LINUX_SLL2: name = "linux-sll2"; break;
            default: name = "unsupported"; break;
        }
        return name + " (" + linkType + ")";
    }

    /** The supported types, for error messages. */
    public static String supportedList() {
        return describe(ETHERNET) + ", " + describe(RAW) + ", " + describe(LINUX_SLL) + ", " + describe(IPV4)
            + ", " + describe(IPV6) + ", " + describe(LINUX_SLL2);
    }
}
