package io.xlat.control.bgp.wire;

import static io.xlat.control.bgp.wire.NotificationMessage.ATTRIBUTE_FLAGS_ERROR;
import static io.xlat.control.bgp.wire.NotificationMessage.ATTRIBUTE_LENGTH_ERROR;
import static io.xlat.control.bgp.wire.NotificationMessage.INVALID_NETWORK_FIELD;
import static io.xlat.control.bgp.wire.NotificationMessage.INVALID_ORIGIN_ATTRIBUTE;
import static io.xlat.control.bgp.wire.NotificationMessage.MALFORMED_AS_PATH;
import static io.xlat.control.bgp.wire.NotificationMessage.MALFORMED_ATTRIBUTE_LIST;
import static io.xlat.control.bgp.wire.NotificationMessage.MISSING_WELL_KNOWN_ATTRIBUTE;
import static io.xlat.control.bgp.wire.NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR;
import static io.xlat.control.bgp.wire.NotificationMessage.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE;
import static io.xlat.control.bgp.wire.WireTestSupport.decode;
import static io.xlat.control.bgp.wire.WireTestSupport.decodeError;
import static io.xlat.control.bgp.wire.WireTestSupport.frame;
import static io.xlat.control.bgp.wire.WireTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Received-UPDATE validation: RFC 4271 section 6.3 codes, with RFC 7606's choice between session reset (a
 * NOTIFICATION), treat-as-withdraw ({@link MalformedUpdateMessage}) and attribute discard.
 */
class UpdateErrorHandlingTest {

    private static final String ORIGIN = "40 01 01 00";
    private static final String AS_PATH = "40 02 06 02 01 0000fde9";
    private static final String NEXT_HOP = "40 03 04 c0000201";
    private static final String NLRI = "18 c63364";

    /** An UPDATE with no withdrawals, the given attribute octets and NLRI. */
    private static byte[] update(String attributes, String nlri) {
        final int length = hex(attributes).length;
        return frame(2, "0000" + String.format("%04x", length) + attributes + nlri);
    }

    private static void assertTreatAsWithdraw(byte[] message, int subcode) {
        final BgpMessage decoded = decode(message);
        final MalformedUpdateMessage malformed = assertInstanceOf(MalformedUpdateMessage.class, decoded);
        assertEquals(subcode, malformed.subcode(), malformed.reason());
    }

    @Test
    void shouldAcceptAWellFormedUpdate() {
        final UpdateMessage u = (UpdateMessage) decode(update(ORIGIN + AS_PATH + NEXT_HOP, NLRI));
        assertEquals(List.of(IpPrefix.parse("198.51.100.0/24")), u.nlri());
    }

    // --------------------------------------------------------------------------------- session reset

    @Test
    void shouldResetSessionWhenWithdrawnRoutesLengthOverrunsTheMessage() {
        decodeError(frame(2, "0010 0000"), 3, MALFORMED_ATTRIBUTE_LIST);
    }

    @Test
    void shouldResetSessionWhenTotalAttributeLengthOverrunsTheMessage() {
        decodeError(frame(2, "0000 0010" + ORIGIN), 3, MALFORMED_ATTRIBUTE_LIST);
    }

    @Test
    void shouldResetSessionWithInvalidNetworkFieldForBadNlri() {
        decodeError(update(ORIGIN + AS_PATH + NEXT_HOP, "21 c0000201ff"), 3, INVALID_NETWORK_FIELD); // /33
        decodeError(update(ORIGIN + AS_PATH + NEXT_HOP, "18 c633"), 3, INVALID_NETWORK_FIELD);       // overrun
        decodeError(frame(2, "0003 18 c633 0000"), 3, INVALID_NETWORK_FIELD);                        // withdrawn
    }

    @Test
    void shouldResetSessionWhenMpReachNlriAppearsTwice() {
        final String reach = "80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8";
        decodeError(update(reach + ORIGIN + AS_PATH + reach, ""), 3, MALFORMED_ATTRIBUTE_LIST);
        final String unreach = "80 0f 03 0002 01";
        decodeError(update(unreach + unreach, ""), 3, MALFORMED_ATTRIBUTE_LIST);
    }

    @Test
    void shouldResetSessionWhenMpReachNextHopLengthIsInconsistent() {
        // IPv6 with an 8-octet next hop, then a next hop that overruns the attribute, then a short attribute
        decodeError(update("80 0e 12 0002 01 08 20010db800000000 00 20 20010db8" + ORIGIN + AS_PATH, ""), 3,
            OPTIONAL_ATTRIBUTE_ERROR);
        decodeError(update("80 0e 06 0002 01 10 2001" + ORIGIN + AS_PATH, ""), 3, OPTIONAL_ATTRIBUTE_ERROR);
        decodeError(update("80 0e 04 0002 01 10" + ORIGIN + AS_PATH, ""), 3, OPTIONAL_ATTRIBUTE_ERROR);
        decodeError(update("80 0f 02 0002", ""), 3, OPTIONAL_ATTRIBUTE_ERROR);
    }

    @Test
    void shouldResetSessionForMalformedNlriInsideMpAttributes() {
        decodeError(update("80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 81 20010db8" + ORIGIN + AS_PATH,
            ""), 3, OPTIONAL_ATTRIBUTE_ERROR);
        decodeError(update("80 0f 06 0001 01 21 c00002", ""), 3, OPTIONAL_ATTRIBUTE_ERROR);
    }

    @Test
    void shouldSendUnrecognizedWellKnownAttributeWithTheAttributeAsData() {
        final NotificationMessage n = decodeError(update(ORIGIN + AS_PATH + NEXT_HOP + "40 63 02 abcd", NLRI), 3,
            UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE);
        assertArrayEquals(hex("40 63 02 abcd"), n.data());
    }

    // --------------------------------------------------------------------------------- treat-as-withdraw

    @Test
    void shouldTreatAsWithdrawWhenAnAttributeOverrunsTheAttributeList() {
        assertTreatAsWithdraw(update(ORIGIN + "40 02 09 02 01 0000fde9", ""), ATTRIBUTE_LENGTH_ERROR);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + "40 03", NLRI), MALFORMED_ATTRIBUTE_LIST);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + "50 03 00", NLRI), MALFORMED_ATTRIBUTE_LIST);
    }

    @Test
    void shouldTreatAsWithdrawBadOrigin() {
        assertTreatAsWithdraw(update("40 01 02 0000" + AS_PATH + NEXT_HOP, NLRI), ATTRIBUTE_LENGTH_ERROR);
        assertTreatAsWithdraw(update("40 01 01 03" + AS_PATH + NEXT_HOP, NLRI), INVALID_ORIGIN_ATTRIBUTE);
    }

    @Test
    void shouldTreatAsWithdrawMalformedAsPath() {
        assertTreatAsWithdraw(update(ORIGIN + "40 02 06 05 01 0000fde9" + NEXT_HOP, NLRI), MALFORMED_AS_PATH);
        assertTreatAsWithdraw(update(ORIGIN + "40 02 06 02 02 0000fde9" + NEXT_HOP, NLRI), MALFORMED_AS_PATH);
        assertTreatAsWithdraw(update(ORIGIN + "40 02 02 02 00" + NEXT_HOP, NLRI), MALFORMED_AS_PATH);
        assertTreatAsWithdraw(update(ORIGIN + "40 02 07 02 01 0000fde9 02" + NEXT_HOP, NLRI), MALFORMED_AS_PATH);
    }

    @Test
    void shouldReadAsPathWithTheNegotiatedWidth() {
        final UpdateMessage u = (UpdateMessage) decode(update(ORIGIN + "40 02 06 02 02 fde9 fdea" + NEXT_HOP, NLRI),
            false);
        assertEquals(List.of(65001L, 65002L), u.attribute(PathAttribute.AsPathAttribute.class).segments().get(0).asns());
    }

    @Test
    void shouldTreatAsWithdrawFlagsThatConflictWithTheType() {
        assertTreatAsWithdraw(update("c0 01 01 00" + AS_PATH + NEXT_HOP, NLRI), ATTRIBUTE_FLAGS_ERROR);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + NEXT_HOP + "40 08 04 fbf00064", NLRI), ATTRIBUTE_FLAGS_ERROR);
    }

    @Test
    void shouldTreatAsWithdrawWrongFixedLengths() {
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + "40 03 05 c000020100", NLRI), ATTRIBUTE_LENGTH_ERROR);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + NEXT_HOP + "80 04 03 000001", NLRI), ATTRIBUTE_LENGTH_ERROR);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + NEXT_HOP + "40 05 05 0000000001", NLRI),
            ATTRIBUTE_LENGTH_ERROR);
    }

    @Test
    void shouldTreatAsWithdrawCommunitiesNotAMultipleOfTheirSize() {
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + NEXT_HOP + "c0 08 05 fbf0006400", NLRI),
            OPTIONAL_ATTRIBUTE_ERROR);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + NEXT_HOP + "c0 20 00", NLRI), OPTIONAL_ATTRIBUTE_ERROR);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH + NEXT_HOP + "c0 20 0d 00000001000000010000000100", NLRI),
            OPTIONAL_ATTRIBUTE_ERROR);
        // RFC 7606 section 7.8: only a nonzero length that is not a multiple of 4 is malformed
        final UpdateMessage ok = (UpdateMessage) decode(update(ORIGIN + AS_PATH + NEXT_HOP + "c0 08 00", NLRI));
        assertEquals(List.of(), ok.attribute(PathAttribute.CommunitiesAttribute.class).communities());
    }

    @Test
    void shouldTreatAsWithdrawWhenMandatoryAttributesAreMissing() {
        assertTreatAsWithdraw(update(AS_PATH + NEXT_HOP, NLRI), MISSING_WELL_KNOWN_ATTRIBUTE);
        assertTreatAsWithdraw(update(ORIGIN + NEXT_HOP, NLRI), MISSING_WELL_KNOWN_ATTRIBUTE);
        assertTreatAsWithdraw(update(ORIGIN + AS_PATH, NLRI), MISSING_WELL_KNOWN_ATTRIBUTE);
        assertTreatAsWithdraw(update("80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8" + AS_PATH,
            ""), MISSING_WELL_KNOWN_ATTRIBUTE);
    }

    @Test
    void shouldNotRequireNextHopForMpReachOrAnyAttributeForWithdrawals() {
        final UpdateMessage mp = (UpdateMessage) decode(update(
            "80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8" + ORIGIN + AS_PATH, ""));
        assertEquals(List.of(IpPrefix.parse("2001:db8::/32")),
            mp.attribute(PathAttribute.MpReachAttribute.class).nlri());
        final UpdateMessage withdraw = (UpdateMessage) decode(frame(2, "0004 18 c63364 0000"));
        assertEquals(List.of(IpPrefix.parse("198.51.100.0/24")), withdraw.withdrawn());
    }

    // --------------------------------------------------------------------------------- attribute discard

    @Test
    void shouldDiscardMalformedAtomicAggregateAggregatorAndAs4Path() {
        final UpdateMessage u = (UpdateMessage) decode(update(ORIGIN + AS_PATH + NEXT_HOP
            + "40 06 01 00" + "c0 07 05 0000000000" + "c0 11 03 020100" + "c0 12 07 00000000000000", NLRI));
        assertNull(u.attribute(PathAttribute.AtomicAggregateAttribute.class));
        assertNull(u.attribute(PathAttribute.AggregatorAttribute.class));
        assertNull(u.attribute(PathAttribute.As4PathAttribute.class));
        assertEquals(3, u.attributes().size());
    }

    @Test
    void shouldKeepTheFirstOfARepeatedAttribute() {
        final UpdateMessage u = (UpdateMessage) decode(update(ORIGIN + AS_PATH + NEXT_HOP + "40 01 01 02", NLRI));
        assertEquals(PathAttribute.Origin.IGP, u.attribute(PathAttribute.OriginAttribute.class).origin());
        assertEquals(3, u.attributes().size());
    }

    @Test
    void shouldKeepUnknownOptionalAttributesAndOtherFamiliesOpaque() {
        final UpdateMessage u = (UpdateMessage) decode(update(ORIGIN + AS_PATH + "80 0e 09 0019 46 04 0a000001 00"
            + "c0 63 01 ff", ""));
        assertEquals(4, u.attributes().size());
        assertEquals(PathAttribute.MP_REACH_NLRI, u.attributes().get(2).typeCode());
        assertInstanceOf(PathAttribute.UnknownAttribute.class, u.attributes().get(3));
    }
}
