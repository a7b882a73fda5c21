package io.xlat.tunio.tun;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkNamespaceTest {

    @Test
    void shouldStayInTheThreadsNamespaceWhenNoNameIsGiven() throws Exception {
        final Path before = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        final NetworkNamespace ns = NetworkNamespace.enter(null);
        assertNull(ns.name());
        ns.close();
        assertEquals(before, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")));
    }

    @Test
    void shouldRefuseANameThatIsAPath() {
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.enter("../../proc/1/ns/net"));
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.enter(".."));
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.enter(""));
    }

    @Test
    void shouldSayHowToCreateANamespaceThatDoesNotExist() throws Exception {
        final Path before = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        final NativeException e = assertThrows(NativeException.class,
            () -> NetworkNamespace.enter("xlat-no-such-namespace"));
        assertTrue(e.getMessage().contains("ip netns add xlat-no-such-namespace"), e.getMessage());
        assertEquals(before, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")), "the thread did not move");
    }
}
