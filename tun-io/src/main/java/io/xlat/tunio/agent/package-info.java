/** The data plane's Agrona agents: read a batch from a device queue, translate in place, write the result out. */
package io.xlat.tunio.agent;
