package io.xlat.control.bgp.session;

/** RFC 4271 section 8.2.2 session states. */
public enum SessionState {
    IDLE, CONNECT, ACTIVE, OPEN_SENT, OPEN_CONFIRM, ESTABLISHED
}
