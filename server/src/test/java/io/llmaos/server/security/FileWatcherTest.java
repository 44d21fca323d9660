package io.llmaos.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only changes to the watched files (or a secret's ..data swap) call back; other files in the folder do not. */
class FileWatcherTest {
    @TempDir
    Path dir;

    @Test
    void filesBesideTheWatchedOnesAreIgnored() throws Exception {
        Path watched = Files.writeString(dir.resolve("tokens"), "a");
        AtomicInteger calls = new AtomicInteger();
        try (FileWatcher w = new FileWatcher("test-watcher", List.of(watched), calls::incrementAndGet)) {
            for (int i = 0; i < 5; i++) {
                // a log written beside the watched file (which once fed back: each re-read logged a line)
                Files.writeString(dir.resolve("server.log"), "line " + i);
                Thread.sleep(50);
            }
            Thread.sleep(3 * FileWatcher.SETTLE_MILLIS + 300);
            assertEquals(0, calls.get(), "changes to other files called back");
            Files.writeString(watched, "b");
            TokenFileTest.awaitTrue(() -> calls.get() == 1, "the watched file's change called back once");
            Files.createDirectory(dir.resolve("..2026_12_06"));
            TokenFileTest.awaitTrue(() -> calls.get() == 2, "a ..data-style change called back");
        }
    }
}
