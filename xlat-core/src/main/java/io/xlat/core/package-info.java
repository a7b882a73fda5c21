/** xlat's translation core: stateless IPv4/IPv6 translation (RFC 7915) over off-heap buffers, nothing else. */
package io.xlat.core;
