/** Linux TUN devices through jnr-ffi: open, attach, MTU and link state, allocation-free packet read and write. */
package io.xlat.tunio.tun;
