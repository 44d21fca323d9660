package io.llmaos.server.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set size of this process, read from {@code /proc/self/statm} (about a microsecond).
 * Where /proc is absent the JVM's own heap use stands in, so callers always get a number.
 */
public final class ProcessMemory {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_SIZE = 4096;

    /** Resident bytes now. */
    public long rssBytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE_SIZE;
        } catch (IOException | RuntimeException e) {
            Runtime rt = Runtime.getRuntime();
            return rt.totalMemory() - rt.freeMemory();
        }
    }
}
