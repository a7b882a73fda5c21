package io.xlat.tunio.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WarmUpTest {

    /** Per round: five IPv4 and five IPv6 kinds on one device, twice that on the three devices. */
    private static final int PACKETS_PER_ROUND = 10 + 20;
    /** The TTL-1 and hop-limit-1 packets of each address set: dropped, each with an ICMP error sent back. */
    private static final int EXPIRING_PER_ROUND = 2 + 4;

    @ParameterizedTest(name = "offloads {0}, coalescing {1}, io_uring {2}")
    @CsvSource({"false,false,false", "true,false,false", "true,true,false", "false,false,true", "true,true,true"})
    void everyWarmUpPacketIsTranslatedOrAnswered(boolean offloads, boolean coalesce, boolean uring) throws Exception {
        final WarmUp.Result r = WarmUp.run(offloads, coalesce, uring, 3);

        assertEquals(3L * PACKETS_PER_ROUND, r.packetsIn(), "packets the scratch worker read");
        // a packet that expires is dropped and answered: one packet out for every packet in, nothing lost
        assertEquals(3L * EXPIRING_PER_ROUND, r.drops(), "only the expiring packets are dropped");
        assertEquals(r.packetsIn(), r.packetsOut(), "translated packets and ICMP errors written");
    }

    @Test
    void aWarmUpOfNoRoundsTranslatesNothing() throws Exception {
        final WarmUp.Result r = WarmUp.run(false, 0);

        assertEquals(0, r.packetsIn());
        assertEquals(0, r.packetsOut());
    }
}
