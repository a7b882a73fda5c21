/** What addresses and captured packets mean to the translator, in words: tenant, embedded IPv4, mapping, payload. */
package io.xlat.control.explain;
