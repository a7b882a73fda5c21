package io.xlat.control.demo;

/** The demo cannot go on (a command that builds the topology failed, or the host is not fit to run it). */
public final class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DemoException(String message) {
        super(message);
    }
}
