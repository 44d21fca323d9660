package io.llmaos.server.resource;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set size of this process, read from {@code /proc/self/statm} (about a microsecond;
 * where /proc is absent the JVM's own heap use stands in), and the means to hand memory that native
 * code freed back to the operating system: glibc keeps freed blocks in its arenas, so without
 * {@code malloc_trim} an unloaded model's memory would stay resident.
 */
public final class ProcessMemory {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_SIZE = 4096;

    private final CLibrary libc = loadLibc();

    /** The C library functions used here. */
    interface CLibrary extends Library {
        int malloc_trim(long pad);
    }

    /** Returns freed native heap memory to the system; true when some was returned. */
    public boolean returnFreedMemory() {
        return libc != null && libc.malloc_trim(0) == 1;
    }

    private static CLibrary loadLibc() {
        try {
            return Native.load("c", CLibrary.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }

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
