package io.xlat.tunio.dataplane;

import io.xlat.tunio.agent.DeviceErrorHandler;
import org.agrona.ErrorHandler;

/**
 * Where the data plane reports: one line per event (devices opened and closed, reloads), device I/O failures from
 * the workers (once per errno, never per packet), and exceptions a worker's loop threw (a bug).
 */
public interface DataplaneLog extends DeviceErrorHandler, ErrorHandler {

    void info(String message);
}
