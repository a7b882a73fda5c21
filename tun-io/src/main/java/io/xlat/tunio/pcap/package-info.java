/** Classic pcap file reading and writing, and link-layer decapsulation of captured frames to IP packets. */
package io.xlat.tunio.pcap;
