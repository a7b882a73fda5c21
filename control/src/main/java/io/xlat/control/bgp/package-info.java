/** The originate-only BGP-4 speaker that announces the translator's prefixes to the fabric: Netty wiring. */
package io.xlat.control.bgp;
