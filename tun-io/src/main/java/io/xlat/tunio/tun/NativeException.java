package io.xlat.tunio.tun;

import java.io.IOException;

/** A failed system call outside the data path (opening, configuring a device), with its errno. */
public final class NativeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    public NativeException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The error number the call failed with. */
    public int errno() {
        return errno;
    }
}
