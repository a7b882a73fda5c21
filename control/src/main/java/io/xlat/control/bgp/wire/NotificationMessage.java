package io.xlat.control.bgp.wire;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RFC 4271 section 4.5: NOTIFICATION (error code, subcode, data). Cease subcodes 2 (Administrative Shutdown) and
 * 4 (Administrative Reset) may carry a Shutdown Communication: a length octet and UTF-8 text (RFC 8203, updated
 * by RFC 9003 to allow up to 255 octets).
 */
public final class NotificationMessage implements BgpMessage {

    public static final int MESSAGE_HEADER_ERROR = 1;
    public static final int OPEN_MESSAGE_ERROR = 2;
    public static final int UPDATE_MESSAGE_ERROR = 3;
    public static final int HOLD_TIMER_EXPIRED = 4;
    public static final int FSM_ERROR = 5;
    public static final int CEASE = 6;

    public static final int UNSPECIFIC = 0;

    // Message Header Error subcodes (RFC 4271 section 6.1)
    public static final int CONNECTION_NOT_SYNCHRONIZED = 1;
    public static final int BAD_MESSAGE_LENGTH = 2;
    public static final int BAD_MESSAGE_TYPE = 3;

    // OPEN Message Error subcodes (RFC 4271 section 6.2, RFC 5492 section 5)
    public static final int UNSUPPORTED_VERSION_NUMBER = 1;
    public static final int BAD_PEER_AS = 2;
    public static final int BAD_BGP_IDENTIFIER = 3;
    public static final int UNSUPPORTED_OPTIONAL_PARAMETER = 4;
    public static final int UNACCEPTABLE_HOLD_TIME = 6;
    public static final int UNSUPPORTED_CAPABILITY = 7;

    // UPDATE Message Error subcodes (RFC 4271 section 6.3)
    public static final int MALFORMED_ATTRIBUTE_LIST = 1;
    public static final int UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE = 2;
    public static final int MISSING_WELL_KNOWN_ATTRIBUTE = 3;
    public static final int ATTRIBUTE_FLAGS_ERROR = 4;
    public static final int ATTRIBUTE_LENGTH_ERROR = 5;
    public static final int INVALID_ORIGIN_ATTRIBUTE = 6;
    public static final int INVALID_NEXT_HOP_ATTRIBUTE = 8;
    public static final int OPTIONAL_ATTRIBUTE_ERROR = 9;
    public static final int INVALID_NETWORK_FIELD = 10;
    public static final int MALFORMED_AS_PATH = 11;

    // FSM Error subcodes (RFC 6608 section 3)
    public static final int FSM_UNEXPECTED_IN_OPEN_SENT = 1;
    public static final int FSM_UNEXPECTED_IN_OPEN_CONFIRM = 2;
    public static final int FSM_UNEXPECTED_IN_ESTABLISHED = 3;

    // Cease subcodes (RFC 4486 section 4)
    public static final int CEASE_ADMINISTRATIVE_SHUTDOWN = 2;
    public static final int CEASE_PEER_DECONFIGURED = 3;
    public static final int CEASE_ADMINISTRATIVE_RESET = 4;
    public static final int CEASE_CONNECTION_COLLISION = 7;
    public static final int CEASE_OUT_OF_RESOURCES = 8;

    /** RFC 9003 section 2: the Shutdown Communication length octet allows 0..255 octets of UTF-8. */
    public static final int MAX_SHUTDOWN_COMMUNICATION_LENGTH = 255;

    private static final byte[] EMPTY = new byte[0];

    private final int code;
    private final int subcode;
    private final byte[] data;

    public NotificationMessage(int code, int subcode, byte[] data) {
        if (code < 0 || code > 0xFF || subcode < 0 || subcode > 0xFF) {
            throw new IllegalArgumentException("code/subcode out of range: " + code + "/" + subcode);
        }
        if (data.length > Bgp.MAX_MESSAGE_LENGTH - Bgp.NOTIFICATION_MIN_LENGTH) {
            throw new IllegalArgumentException("NOTIFICATION data too long: " + data.length);
        }
        this.code = code;
        this.subcode = subcode;
        this.data = data.clone();
    }

    public NotificationMessage(int code, int subcode) {
        this(code, subcode, EMPTY);
    }

    /** A Cease with a Shutdown Communication, truncated at a character boundary to 255 octets. */
    public static NotificationMessage cease(int ceaseSubcode, String shutdownCommunication) {
        final byte[] text = truncateUtf8(shutdownCommunication, MAX_SHUTDOWN_COMMUNICATION_LENGTH);
        final byte[] data = new byte[1 + text.length];
        data[0] = (byte) text.length;
        System.arraycopy(text, 0, data, 1, text.length);
        return new NotificationMessage(CEASE, ceaseSubcode, data);
    }

    /** A NOTIFICATION whose data is a 2-octet value (Unsupported Version Number, Bad Message Length). */
    public static NotificationMessage withShort(int code, int subcode, int value) {
        return new NotificationMessage(code, subcode, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    public static NotificationMessage withByte(int code, int subcode, int value) {
        return new NotificationMessage(code, subcode, new byte[] {(byte) value});
    }

    static byte[] truncateUtf8(String text, int maxBytes) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return bytes;
        }
        int end = maxBytes;
        // step back over continuation octets (10xxxxxx) so that no character is cut in half
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }

    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    public byte[] data() {
        return data.clone();
    }

    int dataLength() {
        return data.length;
    }

    byte[] dataUnsafe() {
        return data;
    }

    @Override
    public int type() {
        return Bgp.TYPE_NOTIFICATION;
    }

    /**
     * The RFC 8203/9003 Shutdown Communication, or null when this is not a Cease 2/4 or the data is not a
     * well-formed length-prefixed UTF-8 string (RFC 9003 section 2: such a message is not to be displayed).
     */
    public String shutdownCommunication() {
        if (code != CEASE || (subcode != CEASE_ADMINISTRATIVE_SHUTDOWN && subcode != CEASE_ADMINISTRATIVE_RESET)
            || data.length == 0) {
            return null;
        }
        final int length = data[0] & 0xFF;
        if (length > data.length - 1) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(data, 1, length))
                .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Human-readable name of code and subcode, for logs and {@code xlat stats}. */
    public String describe() {
        final String text = shutdownCommunication();
        return codeName(code) + "/" + subcode + (text == null ? "" : " \"" + text + "\"");
    }

    public static String codeName(int code) {
        switch (code) {
            case MESSAGE_HEADER_ERROR: return "Message Header Error";
            case OPEN_MESSAGE_ERROR: return "OPEN Message Error";
            case UPDATE_MESSAGE_ERROR: return "UPDATE Message Error";
            case HOLD_TIMER_EXPIRED: return "Hold Timer Expired";
            case FSM_ERROR: return "Finite State Machine Error";
            case CEASE: return "Cease";
            default: return "code " + code;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotificationMessage other && code == other.code && subcode == other.subcode
            && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return (code * 31 + subcode) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NOTIFICATION " + describe() + " data=" + data.length + "B";
    }
}
