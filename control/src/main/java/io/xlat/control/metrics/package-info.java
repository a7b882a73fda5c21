/**
 * The Prometheus endpoint of {@code xlat run}: maps the live counters file, the workers' heartbeats, the BGP status
 * file and the reload history onto metric families at scrape time, on the exporter's own thread.
 */
package io.xlat.control.metrics;
