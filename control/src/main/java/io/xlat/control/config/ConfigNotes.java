package io.xlat.control.config;

import io.xlat.core.config.TranslatorConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Combinations of keys that work but may surprise: {@code xlat check} prints them as notes, never as errors. A
 * cross-check between keys refuses a configuration only when it cannot work; one that merely does something the
 * operator may not expect is explained here instead.
 */
public final class ConfigNotes {

    private ConfigNotes() {
    }

    /** One line per note, naming the keys with their section; empty when there is nothing to say. */
    public static List<String> of(XlatConfig config) {
        final List<String> notes = new ArrayList<>();
        final TranslatorConfig t = config.translator();
        final String lowest = TranslatorSection.KEY + "." + TranslatorSection.LOWEST_IPV6_MTU;
        final String ipv6 = TranslatorSection.KEY + "." + TranslatorSection.IPV6_MTU;
        if (t.lowestIpv6Mtu() > t.ipv6Mtu()) {
            // RFC 7915 §4 fragments DF=0 packets to the assumed path MTU; the egress MTU still bounds every packet.
            notes.add(lowest + " (" + t.lowestIpv6Mtu() + ") is above " + ipv6 + " (" + t.ipv6Mtu() + "): DF=0 IPv4 "
                + "packets are fragmented to " + t.ipv6Mtu() + " bytes of IPv6, and DF=1 packets larger than that get "
                + "Fragmentation Needed with MTU " + (t.ipv6Mtu() - 20));
        }
        return notes;
    }
}
