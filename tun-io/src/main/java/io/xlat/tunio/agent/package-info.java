/**
 * The data plane's worker: {@link io.xlat.tunio.agent.WorkerAgent} reads a batch from each of its
 * {@link io.xlat.tunio.agent.Port}s (one queue of one device, with its {@link io.xlat.tunio.agent.PortRole}),
 * translates in place and writes the result out; {@link io.xlat.tunio.agent.PollIdleStrategy} waits on all of
 * its queues at once when idle.
 */
package io.xlat.tunio.agent;
