package io.xlat.control.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.xlat.control.bgp.wire.BgpDecoder;
import io.xlat.control.bgp.wire.BgpEncoder;
import io.xlat.control.bgp.wire.BgpMessage;
import io.xlat.control.bgp.wire.BgpProtocolException;
import io.xlat.control.bgp.wire.MalformedUpdateMessage;

import java.util.Arrays;

/**
 * Any bytes as the TCP stream from a peer: the decoder yields messages until it needs more bytes, or stops with
 * a {@link BgpProtocolException} carrying the NOTIFICATION to send; nothing else escapes. Every message it
 * accepts (but a treat-as-withdraw UPDATE, which has no wire form of its own) encodes, and the encoding decodes
 * to a message that encodes to the same octets. The first input byte picks 2- or 4-octet AS numbers.
 */
public class BgpDecoderFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** The same target for Jazzer's command line. */
    public static void fuzzerTestOneInput(byte[] input) {
        if (input.length < 1) {
            return;
        }
        final boolean fourOctetAs = (input[0] & 1) != 0;
        final ByteBuf in = Unpooled.wrappedBuffer(input, 1, input.length - 1);
        try {
            BgpMessage message;
            while ((message = BgpDecoder.decodeOne(in, fourOctetAs)) != null) {
                if (!(message instanceof MalformedUpdateMessage)) {
                    roundTrip(message, fourOctetAs);
                }
            }
        } catch (BgpProtocolException e) {
            if (e.notification() == null) {
                throw new AssertionError("a protocol error without its NOTIFICATION", e);
            }
        } finally {
            in.release();
        }
    }

    private static void roundTrip(BgpMessage message, boolean fourOctetAs) {
        final byte[] once = encode(message);
        final ByteBuf again = Unpooled.wrappedBuffer(once);
        try {
            final BgpMessage decoded = BgpDecoder.decodeOne(again, fourOctetAs);
            if (decoded == null || again.isReadable()) {
                throw new AssertionError("our own encoding of " + message + " does not decode as one message: "
                    + ByteBufUtil.hexDump(once));
            }
            final byte[] twice = encode(decoded);
            if (!Arrays.equals(once, twice)) {
                throw new AssertionError("encoding is not stable for " + message + ": " + ByteBufUtil.hexDump(once)
                    + " then " + ByteBufUtil.hexDump(twice));
            }
        } catch (BgpProtocolException e) {
            throw new AssertionError("our own encoding of " + message + " is refused: " + ByteBufUtil.hexDump(once), e);
        } finally {
            again.release();
        }
    }

    private static byte[] encode(BgpMessage message) {
        final ByteBuf out = Unpooled.buffer();
        try {
            BgpEncoder.encode(message, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
