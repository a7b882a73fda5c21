package io.xlat.control.bgp.wire;

import static io.xlat.control.bgp.wire.WireTestSupport.MARKER;
import static io.xlat.control.bgp.wire.WireTestSupport.decode;
import static io.xlat.control.bgp.wire.WireTestSupport.decodeError;
import static io.xlat.control.bgp.wire.WireTestSupport.encode;
import static io.xlat.control.bgp.wire.WireTestSupport.frame;
import static io.xlat.control.bgp.wire.WireTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4271 sections 4.2 and 6.2, RFC 5492, RFC 4760 section 8, RFC 6793, RFC 8950, RFC 2918, RFC 4724, RFC 9072. */
class OpenMessageCodecTest {

    private static final String CAPS = "01 04 0001 00 01"     // MP IPv4 unicast
        + "01 04 0002 00 01"                                  // MP IPv6 unicast
        + "02 00"                                             // route refresh
        + "41 04 fa56ea01"                                    // 4-octet AS 4200000001
        + "05 06 0001 0001 0002";                             // extended next hop IPv4/unicast over IPv6

    private static OpenMessage xlatOpen() {
        return OpenMessage.of(4_200_000_001L, 9, 0xC000020B, List.of(
            new Capability.Multiprotocol(1, 1), new Capability.Multiprotocol(2, 1), new Capability.RouteRefresh(),
            new Capability.FourOctetAs(4_200_000_001L),
            new Capability.ExtendedNextHop(List.of(new Capability.ExtendedNextHop.Entry(1, 1, 2)))));
    }

    @Test
    void shouldPutAsTransInMyAsAndTheRealAsnInTheCapabilityWhenAsnNeedsFourOctets() {
        final byte[] expected = hex(MARKER + "003b 01" + "04 5ba0 0009 c000020b 1e 02 1c" + CAPS);
        assertArrayEquals(expected, encode(xlatOpen()));
        final OpenMessage decoded = (OpenMessage) decode(expected);
        assertEquals(xlatOpen(), decoded);
        assertEquals(23456, decoded.myAs());
        assertEquals(4_200_000_001L, decoded.asn());
    }

    @Test
    void shouldPutTwoOctetAsnInMyAs() {
        final OpenMessage open = OpenMessage.of(64496, 90, 1, List.of(new Capability.FourOctetAs(64496)));
        assertEquals(64496, open.myAs());
        assertEquals(open, decode(encode(open)));
    }

    @Test
    void shouldRoundTripGracefulRestartAndKeepUnknownCapabilities() {
        final OpenMessage open = OpenMessage.of(65001, 0, 7, List.of(
            new Capability.GracefulRestart(true, true, 120, List.of(
                new Capability.GracefulRestart.Family(2, 1, true), new Capability.GracefulRestart.Family(1, 1, false))),
            new Capability.Unknown(73, hex("0361626300")), new Capability.Unknown(70, new byte[0])));
        assertEquals(open, decode(encode(open)));
        // R and N bits and 120 s: 0xC078
        final byte[] bytes = encode(open);
        assertTrue(io.netty.buffer.ByteBufUtil.hexDump(bytes).contains("400ac0780002018000010100"));
    }

    @Test
    void shouldAcceptCapabilitiesSpreadOverSeveralParameters() {
        final OpenMessage open = (OpenMessage) decode(frame(1, "04 fdf0 005a 0a000001 10 02 06 0104 0002 0001 02 06 4104 0000fbf0"));
        assertEquals(List.of(new Capability.Multiprotocol(2, 1), new Capability.FourOctetAs(64496)),
            open.capabilities());
    }

    @Test
    void shouldDecodeRfc9072ExtendedOptionalParameters() {
        // Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length 0x0009, then type 2 with 2-octet length
        final OpenMessage open = (OpenMessage) decode(frame(1, "04 fdf0 005a 0a000001 ff ff 0009 02 0006 41040000fbf0"));
        assertEquals(List.of(new Capability.FourOctetAs(64496)), open.capabilities());
    }

    @Test
    void shouldSendUnsupportedVersionNumberCarryingVersion4() {
        final NotificationMessage n = decodeError(frame(1, "03 fdf0 005a 0a000001 00"), 2, 1);
        assertArrayEquals(hex("0004"), n.data());
    }

    @Test
    void shouldRejectHoldTimeOfOneOrTwoSeconds() {
        decodeError(frame(1, "04 fdf0 0001 0a000001 00"), 2, 6);
        decodeError(frame(1, "04 fdf0 0002 0a000001 00"), 2, 6);
        assertEquals(0, ((OpenMessage) decode(frame(1, "04 fdf0 0000 0a000001 00"))).holdTime());
        assertEquals(3, ((OpenMessage) decode(frame(1, "04 fdf0 0003 0a000001 00"))).holdTime());
    }

    @Test
    void shouldRejectZeroBgpIdentifier() {
        decodeError(frame(1, "04 fdf0 005a 00000000 00"), 2, 3);
    }

    @Test
    void shouldSendUnsupportedOptionalParameterForAuthenticationParameter() {
        decodeError(frame(1, "04 fdf0 005a 0a000001 04 01 02 0000"), 2, 4);
    }

    @Test
    void shouldSendUnspecificWhenParameterLengthsDisagree() {
        decodeError(frame(1, "04 fdf0 005a 0a000001 05 02 02 0200"), 2, 0);        // says 5, has 4
        decodeError(frame(1, "04 fdf0 005a 0a000001 04 02 03 0200"), 2, 0);        // parameter overruns
        decodeError(frame(1, "04 fdf0 005a 0a000001 04 02 02 0203"), 2, 0);        // capability overruns
        decodeError(frame(1, "04 fdf0 005a 0a000001 01 02"), 2, 0);                // truncated parameter header
    }

    @Test
    void shouldSendUnspecificForKnownCapabilityWithImpossibleLength() {
        decodeError(frame(1, "04 fdf0 005a 0a000001 07 02 05 01 03 000201"), 2, 0);  // MP of 3 octets
        decodeError(frame(1, "04 fdf0 005a 0a000001 04 02 02 41 00"), 2, 0);          // 4-octet AS of 0
        decodeError(frame(1, "04 fdf0 005a 0a000001 05 02 03 02 01 00"), 2, 0);       // route refresh of 1
        decodeError(frame(1, "04 fdf0 005a 0a000001 07 02 05 05 03 000100"), 2, 0);   // ENH not a multiple of 6
        decodeError(frame(1, "04 fdf0 005a 0a000001 05 02 03 40 01 00"), 2, 0);       // GR of 1
    }
}
