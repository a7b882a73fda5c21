package io.xlat.control.bgp.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xlat.control.bgp.wire.BgpEncoder;
import io.xlat.control.bgp.wire.BgpMessage;
import java.util.ArrayList;
import java.util.List;

/** Records what the session asks of its connection; every sent message is also encoded to prove it fits. */
class FakeTransport implements BgpTransport {

    final List<BgpMessage> sent = new ArrayList<>();
    int connects;
    int closes;
    Boolean fourOctetAs;

    @Override
    public void connect() {
        connects++;
    }

    @Override
    public void send(BgpMessage message) {
        final ByteBuf buf = Unpooled.buffer();
        try {
            BgpEncoder.encode(message, buf);
            assertTrue(buf.readableBytes() <= 4096);
        } finally {
            buf.release();
        }
        sent.add(message);
    }

    @Override
    public void close() {
        closes++;
    }

    @Override
    public void fourOctetAs(boolean value) {
        fourOctetAs = value;
    }

    <T extends BgpMessage> List<T> sent(Class<T> type) {
        final List<T> out = new ArrayList<>();
        for (final BgpMessage m : sent) {
            if (type.isInstance(m)) {
                out.add(type.cast(m));
            }
        }
        return out;
    }

    BgpMessage last() {
        return sent.get(sent.size() - 1);
    }

    /** Returns and forgets what was sent so far. */
    List<BgpMessage> drain() {
        final List<BgpMessage> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }
}
