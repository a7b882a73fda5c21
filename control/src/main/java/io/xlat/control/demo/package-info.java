/**
 * {@code xlat demo}: the whole system on one machine. A BIRD ToR, two hosts running {@code xlat run} with
 * overlapping tenants (or, with {@code --ecmp}, two translators sharing one DC-SIIT prefix) and an IPv6-only
 * service, all in network namespaces it creates and removes; each step prints the command a user can re-run and
 * what it showed.
 */
package io.xlat.control.demo;
