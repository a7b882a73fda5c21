package io.xlat.core.translate;

import io.xlat.core.drop.DropReason;
import io.xlat.core.packet.IpProtocol;
import io.xlat.core.packet.Ipv6FragmentHeader;
import io.xlat.core.packet.Ipv6Header;
import org.agrona.DirectBuffer;

/**
 * Walks an IPv6 extension header chain (RFC 8200 section 4). RFC 7915 §5.1: the Protocol is "copied from the
 * Next Header field in the last IPv6 header", skipping the Hop-by-Hop Options, Routing, Fragment and
 * Destination Options headers, which are not translated. A reusable cursor: one per translator, no allocation.
 */
final class ExtensionHeaders {
    /** The upper-layer protocol (or the header that follows a non-first fragment's Fragment header). */
    int protocol;
    /** Absolute offset of the upper-layer header. */
    int upperLayer;
    /** Absolute offset of the Fragment header, or -1. */
    int fragmentHeader;
    /**
     * Whether an extension header follows the Fragment header (RFC 7915 §5.1.1); {@link #parse} then returns
     * {@link DropReason#EXTENSION_AFTER_FRAGMENT} with the rest of the chain walked all the same.
     */
    boolean extensionAfterFragment;
    /** Absolute offset of the Segments Left octet of the first Routing header with Segments Left != 0, or -1. */
    int segmentsLeftPointer;

    /**
     * @param off        the IPv6 header
     * @param end        one past the last byte the chain may use
     * @param nextHeader the fixed header's Next Header
     * @return null when the chain is well formed up to the upper layer, else why not; for
     *         {@link DropReason#EXTENSION_AFTER_FRAGMENT} the cursor fields are set as for a good chain
     */
    DropReason parse(DirectBuffer b, int off, int end, int nextHeader) {
        fragmentHeader = -1;
        segmentsLeftPointer = -1;
        extensionAfterFragment = false;
        if (nextHeader != IpProtocol.HOP_BY_HOP && nextHeader != IpProtocol.ROUTING
            && nextHeader != IpProtocol.FRAGMENT && nextHeader != IpProtocol.DESTINATION_OPTIONS) {
            // the common case, no extension header: kept small enough for the JIT to inline into the translator
            protocol = nextHeader;
            upperLayer = off + Ipv6Header.LENGTH;
            return null;
        }
        return walk(b, off, end, nextHeader);
    }

    @SuppressWarnings("fallthrough")
    private DropReason walk(DirectBuffer b, int off, int end, int nextHeader) {
        int next = nextHeader;
        int pos = off + Ipv6Header.LENGTH;
        boolean first = true;
        boolean afterFragment = false;
        walk:
        while (true) {
            switch (next) {
                case IpProtocol.HOP_BY_HOP:
                    // RFC 8200 §4.1: "The Hop-by-Hop Options header ... must immediately follow the IPv6 header."
                    // One right after the Fragment header is flagged below and walked like the others.
                    if (!first && !afterFragment) {
                        return DropReason.BAD_EXTENSION_HEADER;
                    }
                    // fall through: same layout as the other option headers
                case IpProtocol.ROUTING:
                case IpProtocol.DESTINATION_OPTIONS: {
                    if (pos + 8 > end) {
                        return DropReason.TRUNCATED;
                    }
                    final int length = ((b.getByte(pos + 1) & 0xFF) + 1) << 3;
                    if (pos + length > end) {
                        return DropReason.TRUNCATED;
                    }
                    if (next == IpProtocol.ROUTING && segmentsLeftPointer < 0 && b.getByte(pos + 3) != 0) {
                        segmentsLeftPointer = pos + 3;
                    }
                    next = b.getByte(pos) & 0xFF;
                    pos += length;
                    break;
                }
                case IpProtocol.FRAGMENT: {
                    if (fragmentHeader >= 0) {
                        return DropReason.BAD_EXTENSION_HEADER;
                    }
                    if (pos + Ipv6FragmentHeader.LENGTH > end) {
                        return DropReason.TRUNCATED;
                    }
                    fragmentHeader = pos;
                    next = b.getByte(pos) & 0xFF;
                    pos += Ipv6FragmentHeader.LENGTH;
                    // RFC 7915 §5.1.1: "If the Next Header field of the Fragment Header is an extension header
                    // (except ESP, but including the Authentication Header (AH)), then the packet SHOULD be dropped
                    // and logged." Counted, not logged: the hot path never logs. The walk goes on, so that the
                    // caller knows whether the packet is an ICMPv6 error before it answers the drop with one.
                    if (IpProtocol.isIpv6ExtensionHeader(next)) {
                        extensionAfterFragment = true;
                    }
                    if ((b.getShort(pos - 6, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFF8) != 0) {
                        break walk; // a non-first fragment: what follows is payload, not headers
                    }
                    afterFragment = true;
                    first = false;
                    continue;
                }
                default:
                    break walk;
            }
            first = false;
            afterFragment = false;
        }
        protocol = next;
        upperLayer = pos;
        return extensionAfterFragment ? DropReason.EXTENSION_AFTER_FRAGMENT : null;
    }
}
