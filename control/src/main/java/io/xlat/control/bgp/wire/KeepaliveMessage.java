package io.xlat.control.bgp.wire;

/** RFC 4271 section 4.4: "A KEEPALIVE message consists of only the message header". */
public record KeepaliveMessage() implements BgpMessage {

    public static final KeepaliveMessage INSTANCE = new KeepaliveMessage();

    @Override
    public int type() {
        return Bgp.TYPE_KEEPALIVE;
    }
}
