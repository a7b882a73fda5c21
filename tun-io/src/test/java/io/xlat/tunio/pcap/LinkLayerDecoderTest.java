package io.xlat.tunio.pcap;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinkLayerDecoderTest {

    /** IPv4 header of a 28-byte UDP packet (total length 0x001c) followed by the 8-byte UDP header. */
    private static final String IPV4_UDP = "4500001c00010000401100000a0000010a000002" + "04d2162e00080000";
    /** IPv6 header with payload length 8 and an 8-byte UDP header. */
    private static final String IPV6_UDP = "6000000000081140" + "20010db8000000000000000000000001"
        + "20010db8000000000000000000000002" + "04d2162e00080000";
    private static final String MACS = "020000000002" + "020000000001";

    private final LinkLayerDecoder decoder = new LinkLayerDecoder();

    private static UnsafeBuffer hex(String hex) {
        final byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new UnsafeBuffer(bytes);
    }

    private int decode(int linkType, String hex) {
        // put the frame at offset 3 to prove offsets are relative to the record, not the buffer
        final UnsafeBuffer buffer = hex("aabbcc" + hex);
        return decoder.decode(linkType, buffer, 3, buffer.capacity() - 3);
    }

    @Test
    void shouldPassRawRecordsUntouched() {
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.RAW, IPV4_UDP + "ffff"));
        assertEquals(3, decoder.ipOffset());
        assertEquals(30, decoder.ipLength());
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.IPV6, IPV6_UDP));
        assertEquals(48, decoder.ipLength());
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.IPV4, IPV4_UDP));
        assertEquals(28, decoder.ipLength());
    }

    @Test
    void shouldStripEthernetHeaderAndPaddingWhenFrameCarriesIpv4() {
        final String padding = "000000000000000000000000000000000000";
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.ETHERNET, MACS + "0800" + IPV4_UDP + padding));
        assertEquals(3 + 14, decoder.ipOffset());
        assertEquals(28, decoder.ipLength());
    }

    @Test
    void shouldStripEthernetHeaderAndFcsWhenFrameCarriesIpv6() {
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.ETHERNET, MACS + "86dd" + IPV6_UDP + "deadbeef"));
        assertEquals(3 + 14, decoder.ipOffset());
        assertEquals(48, decoder.ipLength());
    }

    @Test
    void shouldSkipVlanAndQinQTagsWhenFrameIsTagged() {
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.ETHERNET, MACS + "8100" + "0064" + "0800" + IPV4_UDP));
        assertEquals(3 + 18, decoder.ipOffset());
        assertEquals(28, decoder.ipLength());
        assertEquals(LinkLayerDecoder.IP,
            decode(LinkType.ETHERNET, MACS + "88a8" + "0010" + "8100" + "0064" + "86dd" + IPV6_UDP));
        assertEquals(3 + 22, decoder.ipOffset());
        assertEquals(48, decoder.ipLength());
    }

    @Test
    void shouldReportNotIpWhenEtherTypeIsArpOrAnLlcLength() {
        assertEquals(LinkLayerDecoder.NOT_IP, decode(LinkType.ETHERNET, MACS + "0806" + "0001080006040001"));
        assertEquals(LinkLayerDecoder.NOT_IP, decode(LinkType.ETHERNET, MACS + "0026" + "424203000000"));
        assertEquals(LinkLayerDecoder.NOT_IP, decode(LinkType.ETHERNET, MACS + "8100" + "0064" + "88cc" + "0000"));
    }

    @Test
    void shouldReportTruncatedWhenLinkHeaderIsCutShort() {
        assertEquals(LinkLayerDecoder.TRUNCATED, decode(LinkType.ETHERNET, "0200000000020200"));
        assertEquals(LinkLayerDecoder.TRUNCATED, decode(LinkType.ETHERNET, MACS + "8100" + "00"));
        assertEquals(LinkLayerDecoder.TRUNCATED, decode(LinkType.LINUX_SLL, "00000001"));
        assertEquals(LinkLayerDecoder.TRUNCATED, decode(LinkType.LINUX_SLL2, "0800000000000002"));
    }

    @Test
    void shouldStripLinuxCookedHeaderWhenCapturedWithAnyInterface() {
        // packet type 0 (to us), ARPHRD_ETHER 1, address length 6, address padded to 8, protocol
        final String sll = "0000" + "0001" + "0006" + "0200000000010000";
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.LINUX_SLL, sll + "0800" + IPV4_UDP + "0000"));
        assertEquals(3 + 16, decoder.ipOffset());
        assertEquals(28, decoder.ipLength());
        assertEquals(LinkLayerDecoder.NOT_IP, decode(LinkType.LINUX_SLL, sll + "0806" + "0001080006040001"));
        // a netlink capture's protocol field is a netlink family, whatever its value
        assertEquals(LinkLayerDecoder.NOT_IP,
            decode(LinkType.LINUX_SLL, "0004" + "0338" + "0000" + "0000000000000000" + "0800" + IPV4_UDP));
    }

    @Test
    void shouldStripLinuxCookedV2HeaderWhenCapturedWithAnyInterface() {
        // protocol, reserved, interface index 2, ARPHRD_ETHER, packet type 4 (outgoing), address length 6, address
        final String sll2Tail = "0000" + "00000002" + "0001" + "04" + "06" + "0200000000010000";
        assertEquals(LinkLayerDecoder.IP, decode(LinkType.LINUX_SLL2, "86dd" + sll2Tail + IPV6_UDP));
        assertEquals(3 + 20, decoder.ipOffset());
        assertEquals(48, decoder.ipLength());
        assertEquals(LinkLayerDecoder.NOT_IP, decode(LinkType.LINUX_SLL2, "0806" + sll2Tail + "0001080006040001"));
    }

    @Test
    void shouldNotTrimWhenTheIpLengthFieldIsImplausible() {
        // total length 0x0005 is below the minimum header: leave the packet whole for the translator to judge
        assertEquals(LinkLayerDecoder.IP,
            decode(LinkType.ETHERNET, MACS + "0800" + "45000005000100004011000000000000000000000000"));
        assertEquals(22, decoder.ipLength());
    }

    @Test
    void shouldReportNotIpWhenLinkTypeIsUnsupported() {
        assertEquals(LinkLayerDecoder.NOT_IP, decode(105, IPV4_UDP));
    }
}
