/** Tests of what ships beside the jar: the systemd unit, the example configuration, least privilege. */
package io.xlat.control.dist;
