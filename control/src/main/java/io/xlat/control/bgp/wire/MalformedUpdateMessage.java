package io.xlat.control.bgp.wire;

/**
 * A received UPDATE that RFC 7606 says to handle by "treat-as-withdraw" rather than by resetting the session:
 * the routes it carries are to be taken as withdrawn. This speaker installs no received routes, so the only
 * effects are a counter and a log line; the session stays up. Decoded only, never encoded.
 *
 * @param subcode the UPDATE Message Error subcode RFC 4271 section 6.3 would have sent
 * @param reason  what was wrong, for the log
 */
public record MalformedUpdateMessage(int subcode, String reason) implements BgpMessage {

    @Override
    public int type() {
        return Bgp.TYPE_UPDATE;
    }
}
