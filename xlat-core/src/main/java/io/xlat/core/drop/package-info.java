/** Drop reasons with stable ids, and the counters they bump. */
package io.xlat.core.drop;
