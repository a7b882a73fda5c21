package io.xlat.core.tenant;

import io.xlat.core.addr.EamEntry;
import io.xlat.core.addr.Ipv4Prefix;
import io.xlat.core.addr.Ipv6Prefix;

import java.util.List;

/**
 * One entry of the {@code tenants:} configuration section (key names in comments are the contract).
 *
 * @param name     {@code name}: unique, names counters and the {@code --tenant} option
 * @param prefix   {@code prefix}: the instance prefix, RFC 6052 form (/32 /40 /48 /56 /64 /96, u-octet zero)
 * @param ipv4     {@code ipv4}: this host's IPv4 ranges of the tenant (what it serves here)
 * @param tun      {@code tun}: the TUN device carrying the tenant's IPv4, or null
 * @param netns    {@code netns}: the network namespace of that device, or null
 * @param services {@code services}: DC-SIIT explicit mappings to IPv6 services the tenant reaches via IPv4
 */
public record TenantConfig(String name, Ipv6Prefix prefix, List<Ipv4Prefix> ipv4, String tun, String netns,
    List<EamEntry> services) {

    public TenantConfig {
        ipv4 = List.copyOf(ipv4);
        services = List.copyOf(services);
    }
}
