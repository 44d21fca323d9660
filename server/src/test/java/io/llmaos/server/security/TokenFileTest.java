package io.llmaos.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token file is re-read when it changes; a change that does not parse keeps what was read before. */
class TokenFileTest {
    @TempDir
    Path dir;

    @Test
    void aChangedFileIsReReadAndABrokenOneKeepsThePreviousTokens() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, TokenTable.hashOf("one") + " acme infer\n");
        try (TokenFile tokens = TokenFile.open(file)) {
            assertTrue(tokens.table().identify("one").isPresent());
            Files.writeString(file, TokenTable.hashOf("two") + " acme admin\n");
            awaitTrue(() -> tokens.table().identify("two").isPresent(), "the new token accepted");
            assertTrue(tokens.table().identify("one").isEmpty(), "the removed token refused");

            Files.writeString(file, "not a token line\n");
            // the watcher re-reads and refuses it; the table in force stays
            Thread.sleep(3 * FileWatcher.SETTLE_MILLIS + 500);
            assertTrue(tokens.table().identify("two").isPresent());
            assertEquals(1, tokens.table().size());

            // a Kubernetes secret update: the file is replaced, not written in place
            Path next = dir.resolve("tokens.next");
            Files.writeString(next, TokenTable.hashOf("three") + " acme infer\n");
            Files.move(
                    next,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            awaitTrue(() -> tokens.table().identify("three").isPresent(), "the replaced file read");
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
