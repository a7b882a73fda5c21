/** Tests over the golden pcap corpus in {@code pcaps/cases}: tshark decoding and (later) replay comparison. */
package io.xlat.pcaps;
