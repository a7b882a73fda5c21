package io.xlat.control.cli;

import io.xlat.control.replay.PcapReplay;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** I/O failures as the one line a command prints: "path: what went wrong". */
public final class IoErrors {

    private IoErrors() {
    }

    /** The JDK's messages are often just the path; this names the path and the reason. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return ((NoSuchFileException) e).getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return ((AccessDeniedException) e).getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException) {
            final FileSystemException f = (FileSystemException) e;
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        if (e.getCause() instanceof IOException && !(e instanceof PcapReplay.ReplayException)) {
            final String outer = e.getMessage();
            final String inner = describe((IOException) e.getCause());
            return outer != null && outer.contains(inner) ? outer : inner;
        }
        return Main.describe(e);
    }
}
