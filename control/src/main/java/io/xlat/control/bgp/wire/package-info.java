/** BGP-4 wire format: immutable messages, path attributes, capabilities and the Netty codec (RFC 4271 section 4). */
package io.xlat.control.bgp.wire;
