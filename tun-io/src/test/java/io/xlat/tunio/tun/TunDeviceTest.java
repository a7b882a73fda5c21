package io.xlat.tunio.tun;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunDeviceTest {

    @Test
    void shouldRefuseNamesLinuxDoesNotAllow() {
        for (final String bad : new String[] {"", "a-name-of-16-chr", "has space", "a/b", "a:1", ".", "..", "tün"}) {
            assertThrows(IllegalArgumentException.class, () -> TunDevice.checkName(bad), bad);
        }
        TunDevice.checkName("xlat0");
        TunDevice.checkName("a-name-of-15-ch");
    }

    @Test
    void shouldExplainAMissingDeviceWithTheNameAndErrno() {
        final NativeException e = assertThrows(NativeException.class, () -> TunDevice.mtu("xlat-none-1"));
        assertEquals(LinuxNative.ENODEV, e.errno());
        assertTrue(e.getMessage().startsWith("xlat-none-1: cannot read the MTU (ENODEV: "), e.getMessage());
    }

    @Test
    void shouldNameErrnoValuesInMessages() {
        assertTrue(LinuxNative.describe(LinuxNative.EBUSY).startsWith("EBUSY: "));
        assertTrue(LinuxNative.describe(4095).startsWith("errno 4095: "));
    }
}
