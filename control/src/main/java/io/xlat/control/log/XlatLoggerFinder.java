package io.xlat.control.log;

/**
 * Makes {@link XlatLogger} the backend of every {@link System#getLogger} in the process, the JDK's own included
 * (registered in {@code META-INF/services/java.lang.System$LoggerFinder}).
 */
public final class XlatLoggerFinder extends System.LoggerFinder {

    @Override
    public System.Logger getLogger(String name, Module module) {
        return XlatLogging.logger(name);
    }
}
