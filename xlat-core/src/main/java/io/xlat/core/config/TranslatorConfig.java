package io.xlat.core.config;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;

import java.util.List;

/**
 * The validated {@code translator:} section of the configuration (the key names in comments are the contract).
 * Built once per configuration generation; the data path reads the derived tables, not this object.
 *
 * @param pool6            {@code pool6}: RFC 6052 prefix, or null when only EAM is used
 * @param eamt             {@code eamt}: RFC 7757 entries in configuration order
 * @param pool6791v4       {@code pool6791v4}: IPv4 sources for translated ICMPv6 errors from unmappable sources
 * @param pool6791v6       {@code pool6791v6}: IPv6 sources for translated ICMPv4 errors from unmappable sources
 * @param ipv4Address      {@code ipv4-address}: own IPv4 address for self-originated ICMPv4 errors, or null
 * @param ipv6Address      {@code ipv6-address}: own IPv6 address for self-originated ICMPv6 errors, or null
 * @param ipv4Mtu          {@code ipv4-mtu}: next-hop MTU towards IPv4
 * @param ipv6Mtu          {@code ipv6-mtu}: next-hop MTU towards IPv6
 * @param lowestIpv6Mtu    {@code lowest-ipv6-mtu}: the smallest MTU on the IPv6 side (RFC 7915 section 4 fragmentation)
 * @param udpZeroChecksum  {@code udp-zero-checksum}
 * @param hairpin          {@code hairpin}: RFC 7757 section 4.2 behaviour
 * @param trafficClass     {@code traffic-class}: COPY or ZERO (IPv4 to IPv6)
 * @param tos              {@code tos}: -1 to copy the Traffic Class, else the fixed TOS 0..255 (IPv6 to IPv4)
 * @param mtuPlateaus      {@code mtu-plateaus}: RFC 1191 plateau table, descending
 * @param icmpRate         {@code icmp-rate}: ICMP errors per second the translator may originate
 */
public record TranslatorConfig(
    Ipv6Prefix pool6,
    List<EamEntry> eamt,
    List<Ipv4Prefix> pool6791v4,
    List<Ipv6Prefix> pool6791v6,
    Integer ipv4Address,
    Ipv6Prefix ipv6Address,
    int ipv4Mtu,
    int ipv6Mtu,
    int lowestIpv6Mtu,
    UdpZeroChecksum udpZeroChecksum,
    Hairpin hairpin,
    TrafficClass trafficClass,
    int tos,
    int[] mtuPlateaus,
    int icmpRate) {

    public static final int[] DEFAULT_MTU_PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    /** {@code udp-zero-checksum}: what to do with IPv4 UDP whose checksum is 0 (RFC 7915 section 4.5). */
    public enum UdpZeroChecksum { DROP, COMPUTE }

    /** {@code hairpin}: RFC 7757 section 4.2. */
    public enum Hairpin { OFF, SIMPLE, INTRINSIC }

    /** {@code traffic-class}: copy the IPv4 TOS into the Traffic Class, or set it to zero (RFC 7915 section 4.1). */
    public enum TrafficClass { COPY, ZERO }

    public TranslatorConfig {
        eamt = List.copyOf(eamt);
        pool6791v4 = List.copyOf(pool6791v4);
        pool6791v6 = List.copyOf(pool6791v6);
        mtuPlateaus = mtuPlateaus.clone();
    }

    /** The configuration with every default and nothing mapped. */
    public static TranslatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().pool6(pool6).eamt(eamt).pool6791v4(pool6791v4).pool6791v6(pool6791v6)
            .ipv4Address(ipv4Address).ipv6Address(ipv6Address).ipv4Mtu(ipv4Mtu).ipv6Mtu(ipv6Mtu)
            .lowestIpv6Mtu(lowestIpv6Mtu).udpZeroChecksum(udpZeroChecksum).hairpin(hairpin)
            .trafficClass(trafficClass).tos(tos).mtuPlateaus(mtuPlateaus).icmpRate(icmpRate);
    }

    @Override
    public int[] mtuPlateaus() {
        return mtuPlateaus.clone();
    }

    /** Mutable builder with the documented defaults. */
    public static final class Builder {
        private Ipv6Prefix pool6;
        private List<EamEntry> eamt = List.of();
        private List<Ipv4Prefix> pool6791v4 = List.of();
        private List<Ipv6Prefix> pool6791v6 = List.of();
        private Integer ipv4Address;
        private Ipv6Prefix ipv6Address;
        private int ipv4Mtu = 1500;
        private int ipv6Mtu = 1500;
        private int lowestIpv6Mtu = 1280;
        private UdpZeroChecksum udpZeroChecksum = UdpZeroChecksum.DROP;
        private Hairpin hairpin = Hairpin.INTRINSIC;
        private TrafficClass trafficClass = TrafficClass.COPY;
        private int tos = -1;
        private int[] mtuPlateaus = DEFAULT_MTU_PLATEAUS;
        private int icmpRate = 1000;

        public Builder pool6(Ipv6Prefix v) { pool6 = v; return this; }
        public Builder eamt(List<EamEntry> v) { eamt = v; return this; }
        public Builder pool6791v4(List<Ipv4Prefix> v) { pool6791v4 = v; return this; }
        public Builder pool6791v6(List<Ipv6Prefix> v) { pool6791v6 = v; return this; }
        public Builder ipv4Address(Integer v) { ipv4Address = v; return this; }
        /** A /128 prefix holding the translator's own IPv6 address. */
        public Builder ipv6Address(Ipv6Prefix v) { ipv6Address = v; return this; }
        public Builder ipv4Mtu(int v) { ipv4Mtu = v; return this; }
        public Builder ipv6Mtu(int v) { ipv6Mtu = v; return this; }
        public Builder lowestIpv6Mtu(int v) { lowestIpv6Mtu = v; return this; }
        public Builder udpZeroChecksum(UdpZeroChecksum v) { udpZeroChecksum = v; return this; }
        public Builder hairpin(Hairpin v) { hairpin = v; return this; }
        public Builder trafficClass(TrafficClass v) { trafficClass = v; return this; }
        public Builder tos(int v) { tos = v; return this; }
        public Builder mtuPlateaus(int[] v) { mtuPlateaus = v; return this; }
        public Builder icmpRate(int v) { icmpRate = v; return this; }

        public TranslatorConfig build() {
            return new TranslatorConfig(pool6, eamt, pool6791v4, pool6791v6, ipv4Address, ipv6Address, ipv4Mtu,
                ipv6Mtu, lowestIpv6Mtu, udpZeroChecksum, hairpin, trafficClass, tos, mtuPlateaus, icmpRate);
        }
    }
}
