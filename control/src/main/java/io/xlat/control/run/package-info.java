/** {@code xlat run}: starts the data plane (devices, worker agents, counters file) and stops it cleanly. */
package io.xlat.control.run;
