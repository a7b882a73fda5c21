/** The RFC 7915 translation steps, 4->6 and 6->4, ICMP mapping, fragmentation and self-originated ICMP errors. */
package io.xlat.core.translate;
