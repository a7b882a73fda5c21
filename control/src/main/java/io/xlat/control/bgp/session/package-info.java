/** The BGP session state machine (RFC 4271 section 8) and the announced route set, free of sockets and threads. */
package io.xlat.control.bgp.session;
