/** Address mapping: RFC 6052 prefixes, RFC 7757 EAM table, RFC 6791 pools, address value types. */
package io.xlat.core.addr;
