/** Offline translation of captures: every packet of a pcap file through a translator, its output to another file. */
package io.xlat.control.replay;
