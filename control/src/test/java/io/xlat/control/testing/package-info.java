/** Integration-test plumbing shared by the run and BGP tests: network namespaces, veths, processes, xlat. */
package io.xlat.control.testing;
