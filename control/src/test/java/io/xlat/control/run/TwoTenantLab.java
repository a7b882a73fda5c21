package io.xlat.control.run;

import io.xlat.control.testing.NamespaceLab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two-tenant topology of {@link TenantNamespaceIT} and {@link TenantWorkersIT}: blue and red both use
 * 10.0.0.0/25 (each with 10.0.0.1 on its own device, created by xlat in its namespace), and their peers 10.0.0.200
 * and up live on the fabric under the tenants' instance prefixes 2001:db8:100:1::/96 and 2001:db8:100:2::/96.
 */
final class TwoTenantLab {
    final NamespaceLab lab;
    final String nsx;
    final String nsBlue;
    final String nsRed;
    final String nsFabric;
    final Path config;
    final Path countersFile;
    final Path xlatLog;

    /** The namespaces, the fabric with {@code peers} peers per tenant (10.0.0.200 + k) and the config file. */
    TwoTenantLab(String prefix, int peers) throws IOException {
        lab = new NamespaceLab(prefix);
        nsx = lab.namespace("x");
        nsBlue = lab.namespace("blue");
        nsRed = lab.namespace("red");
        nsFabric = lab.namespace("fab");
        lab.fabricLink(nsx, nsFabric);
        for (int k = 0; k < peers; k++) {
            final String v4 = Integer.toHexString(0xc8 + k);
            lab.run("ip", "-n", nsFabric, "addr", "add", "2001:db8:100:1::a00:" + v4 + "/128", "dev", "fx", "nodad");
            lab.run("ip", "-n", nsFabric, "addr", "add", "2001:db8:100:2::a00:" + v4 + "/128", "dev", "fx", "nodad");
        }
        lab.run("ip", "-n", nsFabric, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::1");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:f::2");
        countersFile = lab.dir.resolve("counters");
        config = Files.writeString(lab.dir.resolve("xlat.yaml"), config(false));
        xlatLog = lab.dir.resolve("xlat.log");
    }

    /** Blue and red (and green, in no namespace of its own, with {@code withGreen}) on ipv6-tun xlat6. */
    String config(boolean withGreen) {
        return NamespaceLab.blueTenantYaml(nsBlue) + String.join("\n",
            "  - name: red",
            "    prefix: \"2001:db8:100:2::/96\"",
            "    ipv4: [10.0.0.0/25]",
            "    tun: xb-red",
            "    netns: " + nsRed,
            withGreen ? "  - name: green\n    prefix: \"2001:db8:100:3::/96\"\n    ipv4: [10.0.0.0/25]\n"
                + "    tun: xb-green" : "",
            "dataplane:",
            "  ipv6-tun: xlat6",
            "  counters-file: " + countersFile,
            "");
    }

    /**
     * Once xlat runs (it creates the tenant devices inside the tenants' namespaces): 10.0.0.1 and the route to the
     * peers on each tenant's device, and the local tenant ranges (10.0.0.0/25 under each prefix) into xlat6.
     */
    void tenantSides() {
        tenantSide(nsBlue, "xb-blue");
        tenantSide(nsRed, "xb-red");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100:1::a00:0/121", "dev", "xlat6");
        lab.run("ip", "-n", nsx, "-6", "route", "add", "2001:db8:100:2::a00:0/121", "dev", "xlat6");
    }

    private void tenantSide(String ns, String device) {
        lab.run("ip", "-n", ns, "addr", "add", "10.0.0.1/32", "dev", device);
        lab.run("ip", "-n", ns, "route", "add", "10.0.0.128/25", "dev", device);
    }
}
