/** Live counters in a memory-mapped file (Agrona CountersManager) that {@code xlat stats} reads from another process. */
package io.xlat.tunio.counters;
