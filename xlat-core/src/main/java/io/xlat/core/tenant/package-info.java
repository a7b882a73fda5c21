/** Tenant instances: per-tenant IPv6 prefixes over overlapping IPv4, their lookup and validation. */
package io.xlat.core.tenant;
