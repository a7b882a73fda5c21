package io.xlat.tunio.tun;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Routes through rtnetlink into a TUN device of a scratch network namespace, read back with iproute2. Needs root. */
class RouteTableIT {

    private String ns;

    @BeforeEach
    void createNamespace() throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/ip"))
            && !Files.isExecutable(Path.of("/sbin/ip")) && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            if ("1".equals(System.getenv("XLAT_REQUIRE_ROOT_TESTS"))) {
                fail("XLAT_REQUIRE_ROOT_TESTS=1 but this needs root and iproute2");
            }
            Assumptions.abort("needs root and iproute2");
        }
        ns = "xrt" + Integer.toString(new SecureRandom().nextInt(1 << 20), 36);
        ip("netns", "add", ns);
        ip("-n", ns, "tuntap", "add", "dev", "rt0", "mode", "tun"); // persistent: routes need a device, not traffic
        ip("-n", ns, "link", "set", "rt0", "up");
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (ns != null) {
            ip("netns", "del", ns);
        }
    }

    @Test
    void shouldAddAndRemoveRoutesOfBothFamiliesInsideTheNamespace() throws Exception {
        RouteTable.add6(ns, "rt0", 0x20010db800640000L, 0L, 96);
        RouteTable.add4(ns, "rt0", 0xC6336400, 24);
        RouteTable.add4(ns, "rt0", 0, 0);
        RouteTable.add4(ns, "rt0", 0xC6336400, 24); // again, as after a crash: replaced, not refused

        final String v6 = ip("-n", ns, "-6", "route", "show", "dev", "rt0");
        assertTrue(v6.contains("2001:db8:64::/96 proto static metric 464"), v6);
        final String v4 = ip("-n", ns, "route", "show", "dev", "rt0");
        assertTrue(v4.contains("default proto static scope link metric 464"), v4);
        assertTrue(v4.contains("198.51.100.0/24 proto static scope link metric 464"), v4);
        assertEquals(1, v4.split("198.51.100.0/24", -1).length - 1, "one route per prefix:\n" + v4);
        assertFalse(ip("route", "show").contains("198.51.100.0/24 dev rt0"), "nothing in this test's namespace");

        assertTrue(RouteTable.remove6(ns, "rt0", 0x20010db800640000L, 0L, 96));
        assertTrue(RouteTable.remove4(ns, "rt0", 0xC6336400, 24));
        assertTrue(RouteTable.remove4(ns, "rt0", 0, 0));
        assertFalse(RouteTable.remove4(ns, "rt0", 0xC6336400, 24), "already gone");
        assertFalse(ip("-n", ns, "-6", "route", "show", "dev", "rt0").contains("2001:db8:64::/96"));
        assertFalse(ip("-n", ns, "route", "show", "dev", "rt0").contains("metric 464"));
        assertFalse(RouteTable.remove4(ns, "nosuch0", 0xC6336400, 24), "no device, no route");
    }

    @Test
    void shouldRefuseARouteIntoADeviceThatDoesNotExist() {
        final NativeException e = assertThrows(NativeException.class,
            () -> RouteTable.add4(ns, "nosuch0", 0xC6336400, 24));
        assertTrue(e.getMessage().contains("no device nosuch0"), e.getMessage());
    }

    private static String ip(String... args) throws IOException, InterruptedException {
        final String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            fail(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
