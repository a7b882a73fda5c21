package io.xlat.control.bgp;

import io.xlat.control.bgp.session.SessionState;

/**
 * A snapshot of one session for {@code xlat stats} and metrics.
 *
 * @param peer            the peer's name (its address unless configured otherwise)
 * @param state           RFC 4271 state
 * @param uptimeMillis    time in Established, or -1
 * @param messagesIn      messages received since start
 * @param messagesOut     messages sent since start
 * @param advertised      prefixes the peer holds from us
 * @param unsendable      desired prefixes this session cannot carry (family not negotiated, no next hop)
 * @param malformedIn     received UPDATEs treated as withdraw (RFC 7606)
 * @param lastError       why the session last went down, or empty
 */
public record BgpPeerStatus(String peer, SessionState state, long uptimeMillis, long messagesIn, long messagesOut,
    int advertised, int unsendable, long malformedIn, String lastError) {
}
