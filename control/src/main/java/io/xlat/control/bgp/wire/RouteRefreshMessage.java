package io.xlat.control.bgp.wire;

/**
 * RFC 2918 section 3: ROUTE-REFRESH carries one AFI (2 octets), a reserved octet and one SAFI. We do not
 * advertise RFC 7313 enhanced route refresh, so the reserved octet is sent as 0 and ignored on receipt.
 */
public record RouteRefreshMessage(int afi, int safi) implements BgpMessage {

    public RouteRefreshMessage {
        if (afi < 0 || afi > 0xFFFF || safi < 0 || safi > 0xFF) {
            throw new IllegalArgumentException("AFI/SAFI out of range: " + afi + "/" + safi);
        }
    }

    @Override
    public int type() {
        return Bgp.TYPE_ROUTE_REFRESH;
    }
}
