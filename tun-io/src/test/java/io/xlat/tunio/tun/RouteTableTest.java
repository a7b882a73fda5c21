package io.xlat.tunio.tun;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.nativeOrder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RouteTableTest {

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(RouteTable.BUFFER_LENGTH));

    @Test
    void shouldEncodeAnIpv6DeviceRouteAsReplaceWithTheXlatMetric() {
        final int length = RouteTable.encode(buffer, true, 7, 42, true, 0x20010db800640000L, 0L, 96);

        assertEquals(16 + 12 + 20 + 8 + 8, length);
        assertEquals(length, buffer.getInt(0, nativeOrder()), "nlmsg_len");
        assertEquals(LinuxNative.RTM_NEWROUTE, buffer.getShort(4, nativeOrder()));
        assertEquals(LinuxNative.NLM_F_REQUEST | LinuxNative.NLM_F_ACK | LinuxNative.NLM_F_CREATE
            | LinuxNative.NLM_F_REPLACE, buffer.getShort(6, nativeOrder()));
        assertEquals(7, buffer.getInt(8, nativeOrder()), "sequence");
        assertArrayEquals(new byte[] {10, 96, 0, 0, (byte) 254, 4, (byte) 253, 1}, bytes(16, 8),
            "rtmsg: AF_INET6, /96, main table, proto static, scope link, unicast");
        assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0x64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            bytes(28 + 4, 16), "RTA_DST in network order");
        assertEquals(20, buffer.getShort(28, nativeOrder()));
        assertEquals(LinuxNative.RTA_DST, buffer.getShort(30, nativeOrder()));
        assertEquals(LinuxNative.RTA_OIF, buffer.getShort(48 + 2, nativeOrder()));
        assertEquals(42, buffer.getInt(48 + 4, nativeOrder()), "the device's ifindex");
        assertEquals(LinuxNative.RTA_PRIORITY, buffer.getShort(56 + 2, nativeOrder()));
        assertEquals(RouteTable.METRIC, buffer.getInt(56 + 4, nativeOrder()));
    }

    @Test
    void shouldEncodeAnIpv4DeleteMatchingAnyScope() {
        final int length = RouteTable.encode(buffer, false, 8, 3, false, 0xC6336400L, 0L, 24);

        assertEquals(16 + 12 + 8 + 8 + 8, length);
        assertEquals(LinuxNative.RTM_DELROUTE, buffer.getShort(4, nativeOrder()));
        assertEquals(LinuxNative.NLM_F_REQUEST | LinuxNative.NLM_F_ACK, buffer.getShort(6, nativeOrder()));
        assertArrayEquals(new byte[] {2, 24, 0, 0, (byte) 254, 4, (byte) 255, 1}, bytes(16, 8));
        assertArrayEquals(new byte[] {(byte) 198, 51, 100, 0}, bytes(28 + 4, 4), "198.51.100.0");
    }

    @Test
    void shouldReadTheErrnoOfTheAcknowledgementOfItsOwnRequest() {
        // a stray message first, then the nlmsgerr for sequence 9 carrying -ESRCH
        putHeader(0, 20, 16, 0);
        putHeader(20, 36, LinuxNative.NLMSG_ERROR, 9);
        buffer.putInt(20 + 16, -LinuxNative.ESRCH, nativeOrder());

        assertEquals(LinuxNative.ESRCH, RouteTable.acknowledgement(buffer, 56, 9));
        assertEquals(-1, RouteTable.acknowledgement(buffer, 56, 10), "not the answer to request 10");
    }

    private void putHeader(int at, int length, int type, int seq) {
        buffer.putInt(at, length, nativeOrder());
        buffer.putShort(at + 4, (short) type, nativeOrder());
        buffer.putInt(at + 8, seq, nativeOrder());
    }

    private byte[] bytes(int offset, int length) {
        final byte[] out = new byte[length];
        buffer.getBytes(offset, out);
        return out;
    }
}
