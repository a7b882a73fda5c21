/** Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
package io.xlat.core.checksum;
