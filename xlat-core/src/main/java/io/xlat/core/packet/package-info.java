/** Flyweights over packet buffers: IPv4, IPv6, extension, ICMP, UDP and TCP headers with big-endian accessors. */
package io.xlat.core.packet;
