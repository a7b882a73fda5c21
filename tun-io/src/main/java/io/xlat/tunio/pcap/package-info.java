/**
 * Capture files: classic pcap and pcapng reading ({@link io.xlat.tunio.pcap.CaptureReader} opens either) and
 * writing, and link-layer decapsulation of captured frames to IP packets.
 */
package io.xlat.tunio.pcap;
