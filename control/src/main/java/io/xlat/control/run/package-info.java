/**
 * {@code xlat run}'s lifecycle: the {@link io.xlat.control.run.Daemon} starts the data plane (tun-io's
 * {@code Dataplane}), the managed routes, the BGP speaker and the health monitor in that order, passes a SIGHUP
 * reload through them, and stops them in reverse (withdraw, routes, data plane, Cease).
 */
package io.xlat.control.run;
