/** Jazzer fuzz targets of the control plane: the BGP message decoder and the YAML configuration loader. */
package io.xlat.control.fuzz;
