/** Jazzer fuzz targets of the translator, the invariants they check and their seed corpus. */
package io.xlat.core.fuzz;
