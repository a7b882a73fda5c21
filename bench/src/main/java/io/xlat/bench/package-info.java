/** JMH micro-benchmarks of the translation core and the packets they feed it. */
package io.xlat.bench;
