package io.xlat.control.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xlat.control.bgp.wire.BgpDecoder;
import io.xlat.control.bgp.wire.BgpEncoder;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.bgp.wire.PathAttribute;
import io.xlat.control.bgp.wire.UpdateMessage;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** UPDATE packing (RFC 4271 section 4.3: at most 4096 octets) and the RouteSet delta. */
class UpdatePlannerTest {

    private static final SessionConfig CONFIG = SessionConfig.builder(65001, 65002, 1).build();

    private static UpdatePlanner planner(boolean extendedNextHop, String local) throws Exception {
        final Negotiated negotiated = new Negotiated(9, true, true, true, extendedNextHop, true, 65002, 2);
        return new UpdatePlanner(CONFIG, negotiated, NextHops.resolve(CONFIG, InetAddress.getByName(local)));
    }

    private static RouteSet manyRoutes(int count) {
        final RouteSet.Builder b = RouteSet.builder();
        for (int i = 0; i < count; i++) {
            b.add("2001:db8:" + Integer.toHexString(i) + "::/48", RouteAttributes.DEFAULT);
            b.add("10." + (i >> 8) + "." + (i & 0xFF) + ".0/24", RouteAttributes.DEFAULT.withMed(i % 2));
        }
        return b.build();
    }

    /** Encodes, checks the size, decodes again: what a peer would see. */
    private static UpdateMessage wire(UpdateMessage update) {
        final ByteBuf buf = Unpooled.buffer();
        try {
            BgpEncoder.encode(update, buf);
            assertTrue(buf.readableBytes() <= 4096, "UPDATE of " + buf.readableBytes() + " octets");
            return (UpdateMessage) BgpDecoder.decodeOne(buf, true);
        } finally {
            buf.release();
        }
    }

    @Test
    void shouldSplitALargeRouteSetIntoMessagesOfAtMost4096OctetsCoveringEveryPrefixOnce() throws Exception {
        final RouteSet routes = manyRoutes(3000);
        final List<UpdateMessage> updates = planner(true, "2001:db8::2").announce(routes);
        final TreeSet<IpPrefix> seen = new TreeSet<>();
        int total = 0;
        for (final UpdateMessage u : updates) {
            final UpdateMessage decoded = wire(u);
            final List<IpPrefix> nlri = decoded.attribute(PathAttribute.MpReachAttribute.class).nlri();
            total += nlri.size();
            seen.addAll(nlri);
        }
        assertEquals(6000, total);
        assertEquals(routes.routes().keySet(), seen);
        // 3000 /48s at 7 octets and 3000 /24s at 4 octets need at least 6 and 3 full messages
        assertTrue(updates.size() <= 12, "packed densely: " + updates.size());
    }

    @Test
    void shouldSplitLargeWithdrawalsToo() throws Exception {
        final List<IpPrefix> prefixes = new ArrayList<>(manyRoutes(3000).routes().keySet());
        final List<UpdateMessage> updates = new ArrayList<>(planner(true, "2001:db8::2").withdraw(prefixes));
        updates.addAll(planner(true, "192.0.2.1").withdraw(prefixes.subList(0, 3000))); // the IPv4 half, plain
        assertTrue(prefixes.get(2999).isIpv4() && !prefixes.get(3000).isIpv4());
        int total = 0;
        for (final UpdateMessage u : updates) {
            final UpdateMessage decoded = wire(u);
            total += decoded.withdrawn().size();
            final PathAttribute.MpUnreachAttribute unreach = decoded.attribute(PathAttribute.MpUnreachAttribute.class);
            total += unreach == null ? 0 : unreach.withdrawn().size();
        }
        assertEquals(9000, total);
    }

    @Test
    void shouldChooseEachFamilysEncodingFromNegotiationAndNextHops() throws Exception {
        assertEquals(UpdatePlanner.Encoding.MP_IPV6_NEXT_HOP, planner(true, "2001:db8::2").encoding(1));
        assertEquals(UpdatePlanner.Encoding.NONE, planner(false, "2001:db8::2").encoding(1));
        assertEquals(UpdatePlanner.Encoding.PLAIN, planner(true, "192.0.2.1").encoding(1));
        assertEquals(UpdatePlanner.Encoding.NONE, planner(true, "192.0.2.1").encoding(2));
        assertEquals(UpdatePlanner.Encoding.MP_IPV6_NEXT_HOP, planner(true, "fe80::1").encoding(2));
        assertThrows(IllegalArgumentException.class,
            () -> planner(false, "2001:db8::2").announce(RouteSet.builder().add("192.0.2.0/24",
                RouteAttributes.DEFAULT).build()));
    }

    @Test
    void shouldResolveNextHopsFromConfigurationBeforeTheLocalAddress() throws Exception {
        final Inet4Address v4 = (Inet4Address) InetAddress.getByName("192.0.2.99");
        final Inet6Address v6 = (Inet6Address) InetAddress.getByName("2001:db8::99");
        final SessionConfig configured = SessionConfig.builder(65001, 65002, 1).nextHopIpv4(v4).nextHopIpv6(v6).build();
        assertEquals(new NextHops(v4, v6, null), NextHops.resolve(configured, InetAddress.getByName("192.0.2.1")));
        final Inet6Address ll = (Inet6Address) InetAddress.getByName("fe80::5");
        assertEquals(new NextHops(v4, v6, ll), NextHops.resolve(configured, ll));
        assertEquals(new NextHops(null, ll, ll), NextHops.resolve(CONFIG, ll));
    }

    @Test
    void shouldComputeWithdrawalsAndChangedAnnouncementsAsTheDelta() {
        final RouteSet before = RouteSet.builder().add("2001:db8:1::/48", RouteAttributes.DEFAULT)
            .add("2001:db8:2::/48", RouteAttributes.DEFAULT).add("192.0.2.0/24", RouteAttributes.DEFAULT).build();
        final RouteSet after = RouteSet.builder().add("2001:db8:1::/48", RouteAttributes.DEFAULT)
            .add("2001:db8:2::/48", RouteAttributes.DEFAULT.withMed(5)).add("198.51.100.0/24", RouteAttributes.DEFAULT)
            .build();
        final RouteSet.Delta delta = after.diffFrom(before);
        assertEquals(List.of(IpPrefix.parse("192.0.2.0/24")), delta.withdraw());
        assertEquals(List.of(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parse("2001:db8:2::/48")),
            new ArrayList<>(delta.announce().routes().keySet()));
        assertTrue(after.diffFrom(after).isEmpty());
        assertEquals(after.routes().keySet(), after.diffFrom(RouteSet.EMPTY).announce().routes().keySet());
        assertEquals(1, after.family(1).size());
    }
}
