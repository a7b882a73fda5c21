/**
 * The live packet trace: a shared-memory ring buffer next to the counters file that the workers publish matching
 * packets into only while an {@code xlat trace} is attached, and the layout both sides read.
 */
package io.xlat.tunio.trace;
