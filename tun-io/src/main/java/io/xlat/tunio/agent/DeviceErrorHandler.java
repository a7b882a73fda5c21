package io.xlat.tunio.agent;

/**
 * Hears about device I/O failures. Workers call it when a failure differs from the last one they reported (a new
 * errno, or the first after a success), never once per packet, so that an implementation may log.
 */
public interface DeviceErrorHandler {

    /**
     * @param device    the device name
     * @param worker    the worker (queue) index
     * @param operation "read" or "write"
     * @param errno     the error number
     * @param fatal     true when the worker stopped using the queue (the device is gone or the queue broken)
     */
    void onDeviceError(String device, int worker, String operation, int errno, boolean fatal);
}
