package io.xlat.control.bgp.session;

import io.xlat.control.bgp.wire.Bgp;
import io.xlat.control.bgp.wire.IpPrefix;
import io.xlat.control.bgp.wire.NextHop;
import io.xlat.control.bgp.wire.PathAttribute;
import io.xlat.control.bgp.wire.UpdateMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns routes into UPDATE messages for one established session: picks the encoding of each family (plain NLRI,
 * MP_REACH_NLRI, or unsendable), builds the path attributes and packs prefixes that share attributes into as few
 * messages of at most 4096 octets as possible.
 */
public final class UpdatePlanner {

    /** How a family's prefixes travel on this session. */
    public enum Encoding {
        /** Not negotiated, or no usable next hop: the routes stay unannounced. */
        NONE,
        /** RFC 4271 NLRI and Withdrawn Routes fields with a NEXT_HOP attribute (IPv4 only). */
        PLAIN,
        /** RFC 4760 MP_REACH_NLRI / MP_UNREACH_NLRI with an IPv6 next hop (RFC 2545, RFC 8950). */
        MP_IPV6_NEXT_HOP
    }

    private final SessionConfig config;
    private final Negotiated negotiated;
    private final NextHops nextHops;
    private final Encoding ipv4;
    private final Encoding ipv6;

    public UpdatePlanner(SessionConfig config, Negotiated negotiated, NextHops nextHops) {
        this.config = config;
        this.negotiated = negotiated;
        this.nextHops = nextHops;
        if (!negotiated.ipv4()) {
            ipv4 = Encoding.NONE;
        } else if (nextHops.ipv4() != null) {
            ipv4 = Encoding.PLAIN;
        } else if (negotiated.extendedNextHop() && nextHops.global() != null) {
            // RFC 8950 section 4: IPv4 NLRI in MP_REACH_NLRI (AFI 1, SAFI 1) with a 16- or 32-octet next hop
            ipv4 = Encoding.MP_IPV6_NEXT_HOP;
        } else {
            ipv4 = Encoding.NONE;
        }
        ipv6 = negotiated.ipv6() && nextHops.global() != null ? Encoding.MP_IPV6_NEXT_HOP : Encoding.NONE;
    }

    public Encoding encoding(int afi) {
        return afi == Bgp.AFI_IPV4 ? ipv4 : ipv6;
    }

    /** The routes of {@code routes} that this session can carry. */
    public RouteSet sendable(RouteSet routes) {
        return routes.families(ipv4 != Encoding.NONE, ipv6 != Encoding.NONE);
    }

    private NextHop mpNextHop() {
        return NextHop.of(nextHops.global(), nextHops.linkLocal());
    }

    /** UPDATEs announcing every route of {@code routes} (all of them sendable). */
    public List<UpdateMessage> announce(RouteSet routes) {
        final List<UpdateMessage> out = new ArrayList<>();
        for (final int afi : new int[] {Bgp.AFI_IPV4, Bgp.AFI_IPV6}) {
            final Encoding encoding = encoding(afi);
            final Map<RouteAttributes, List<IpPrefix>> byAttributes = new LinkedHashMap<>();
            for (final Map.Entry<IpPrefix, RouteAttributes> e : routes.routes().entrySet()) {
                if (e.getKey().afi() == afi) {
                    if (encoding == Encoding.NONE) {
                        throw new IllegalArgumentException(e.getKey() + " cannot be sent on this session");
                    }
                    byAttributes.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
                }
            }
            for (final Map.Entry<RouteAttributes, List<IpPrefix>> group : byAttributes.entrySet()) {
                final boolean plain = encoding == Encoding.PLAIN;
                final List<PathAttribute> base = pathAttributes(group.getKey(), plain);
                int budget = Bgp.MAX_MESSAGE_LENGTH - UpdateMessage.FIXED_LENGTH - length(base);
                if (!plain) {
                    budget -= 4 + 2 + 1 + 1 + mpNextHop().length() + 1; // extended attribute header, fixed fields
                }
                for (final List<IpPrefix> chunk : chunks(group.getValue(), budget)) {
                    if (plain) {
                        out.add(new UpdateMessage(List.of(), base, chunk));
                    } else {
                        final List<PathAttribute> attributes = new ArrayList<>(base.size() + 1);
                        // RFC 7606 section 5.1: "The MP_REACH_NLRI or MP_UNREACH_NLRI attribute (if present) SHALL
                        // be encoded as the very first path attribute in an UPDATE message."
                        attributes.add(new PathAttribute.MpReachAttribute(afi, Bgp.SAFI_UNICAST, mpNextHop(), chunk));
                        attributes.addAll(base);
                        out.add(new UpdateMessage(List.of(), attributes, List.of()));
                    }
                }
            }
        }
        return out;
    }

    /** UPDATEs withdrawing {@code prefixes}, each in the encoding its family uses on this session. */
    public List<UpdateMessage> withdraw(List<IpPrefix> prefixes) {
        final List<UpdateMessage> out = new ArrayList<>();
        for (final int afi : new int[] {Bgp.AFI_IPV4, Bgp.AFI_IPV6}) {
            final List<IpPrefix> family = new ArrayList<>();
            for (final IpPrefix p : prefixes) {
                if (p.afi() == afi) {
                    family.add(p);
                }
            }
            if (family.isEmpty()) {
                continue;
            }
            final Encoding encoding = encoding(afi);
            if (encoding == Encoding.PLAIN) {
                for (final List<IpPrefix> chunk : chunks(family, Bgp.MAX_MESSAGE_LENGTH - UpdateMessage.FIXED_LENGTH)) {
                    out.add(new UpdateMessage(chunk, List.of(), List.of()));
                }
            } else if (encoding == Encoding.MP_IPV6_NEXT_HOP) {
                final int budget = Bgp.MAX_MESSAGE_LENGTH - UpdateMessage.FIXED_LENGTH - (4 + 3);
                for (final List<IpPrefix> chunk : chunks(family, budget)) {
                    out.add(new UpdateMessage(List.of(),
                        List.of(new PathAttribute.MpUnreachAttribute(afi, Bgp.SAFI_UNICAST, chunk)), List.of()));
                }
            } else {
                throw new IllegalArgumentException("AFI " + afi + " is not carried on this session");
            }
        }
        return out;
    }

    /**
     * RFC 4724 section 2: End-of-RIB for every family we carry. It says "the generation of such a marker upon
     * completion of the initial update would be useful for routing convergence in general, and thus the
     * practice is recommended", so we send it whether or not graceful restart was negotiated.
     */
    public List<UpdateMessage> endOfRib() {
        final List<UpdateMessage> out = new ArrayList<>(2);
        if (ipv4 == Encoding.PLAIN) {
            out.add(UpdateMessage.endOfRibIpv4());
        } else if (ipv4 == Encoding.MP_IPV6_NEXT_HOP) {
            out.add(UpdateMessage.endOfRib(Bgp.AFI_IPV4, Bgp.SAFI_UNICAST));
        }
        if (ipv6 != Encoding.NONE) {
            out.add(UpdateMessage.endOfRib(Bgp.AFI_IPV6, Bgp.SAFI_UNICAST));
        }
        return out;
    }

    /** Path attributes other than MP_REACH_NLRI, in ascending type order (RFC 4271 section 5 SHOULD). */
    List<PathAttribute> pathAttributes(RouteAttributes a, boolean plainIpv4) {
        final List<PathAttribute> out = new ArrayList<>(8);
        out.add(new PathAttribute.OriginAttribute(a.origin()));
        final List<PathAttribute.Segment> path = asPath(a);
        final PathAttribute.AsPathAttribute asPath = new PathAttribute.AsPathAttribute(path, negotiated.fourOctetAs());
        out.add(asPath);
        if (plainIpv4) {
            out.add(new PathAttribute.NextHopAttribute(toInt(nextHops.ipv4().getAddress())));
        }
        if (a.med() >= 0) {
            out.add(new PathAttribute.MultiExitDiscAttribute(a.med()));
        }
        if (config.isInternal()) {
            // RFC 4271 section 5.1.5: "A BGP speaker MUST include this attribute in UPDATE messages it sends to
            // other internal peers" (and section 5.1.5: it "MUST NOT include this attribute" to external peers)
            out.add(new PathAttribute.LocalPrefAttribute(a.localPref() >= 0 ? a.localPref() : 100));
        }
        if (!a.communities().isEmpty()) {
            out.add(new PathAttribute.CommunitiesAttribute(a.communities()));
        }
        if (!negotiated.fourOctetAs() && asPath.needsAs4Path()) {
            // RFC 6793 section 4.2.2: a NEW speaker sending to an OLD one puts AS_TRANS in AS_PATH and the real
            // path in AS4_PATH
            out.add(new PathAttribute.As4PathAttribute(path));
        }
        if (!a.largeCommunities().isEmpty()) {
            out.add(new PathAttribute.LargeCommunitiesAttribute(a.largeCommunities()));
        }
        return out;
    }

    /**
     * RFC 4271 section 5.1.2: to external peers the originator sends its own AS (here 1 + prepend copies) as an
     * AS_SEQUENCE; "the originating speaker includes an empty AS_PATH attribute in all UPDATE messages sent to
     * internal peers".
     */
    private List<PathAttribute.Segment> asPath(RouteAttributes a) {
        if (config.isInternal()) {
            return List.of();
        }
        final int copies = 1 + a.asPathPrepend();
        return List.of(new PathAttribute.Segment(PathAttribute.AS_SEQUENCE,
            Collections.nCopies(copies, config.localAsn())));
    }

    private static int length(List<PathAttribute> attributes) {
        int length = 0;
        for (final PathAttribute a : attributes) {
            length += a.encodedLength();
        }
        return length;
    }

    private static List<List<IpPrefix>> chunks(List<IpPrefix> prefixes, int budget) {
        final List<List<IpPrefix>> out = new ArrayList<>();
        List<IpPrefix> current = new ArrayList<>();
        int used = 0;
        for (final IpPrefix p : prefixes) {
            if (used + p.wireLength() > budget) {
                out.add(current);
                current = new ArrayList<>();
                used = 0;
            }
            current.add(p);
            used += p.wireLength();
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static int toInt(byte[] b) {
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }
}
