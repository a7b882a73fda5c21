package io.xlat.tunio.agent;

/**
 * Hears about device I/O failures. A worker calls it the first time it sees each errno for an operation (and for
 * the failure that makes it give up a queue), never once per packet, so that an implementation may log.
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

    /** The errno's symbolic name and text, e.g. "ENODEV: No such device", for a handler's message. */
    static String describe(int errno) {
        return io.xlat.tunio.tun.LinuxNative.describe(errno);
    }
}
