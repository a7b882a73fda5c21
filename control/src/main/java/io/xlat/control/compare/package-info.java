/**
 * Comparing a translator's output capture with an expected one, field by field: packets matched in order by
 * family and addresses, differences named by header field, fields the user chose to ignore left out (their
 * checksums then verified instead of compared).
 */
package io.xlat.control.compare;
