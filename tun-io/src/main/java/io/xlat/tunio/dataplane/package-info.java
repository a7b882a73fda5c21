/**
 * The data plane as one piece: {@link io.xlat.tunio.dataplane.Dataplane} opens the devices and the counters file
 * from one {@link io.xlat.tunio.dataplane.DataplaneSettings}, starts the {@link io.xlat.tunio.agent.WorkerAgent}s
 * (where a packet is read, translated and written), swaps translator generations on reload, reports
 * {@link io.xlat.tunio.dataplane.DataplaneHealth} as data and closes in order.
 */
package io.xlat.tunio.dataplane;
