/** The prefixes a host must announce for its tenants and translation pools, aggregated to the fewest routes. */
package io.xlat.control.routes;
