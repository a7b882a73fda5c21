/**
 * Every native call of xlat (jnr-ffi): TUN devices and their queues (allocation-free read, write and
 * {@code poll(2)} over a worker's queues), MTU and link state, routes over rtnetlink, network namespaces.
 */
package io.xlat.tunio.tun;
