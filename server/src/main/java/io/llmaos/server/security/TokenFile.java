package io.llmaos.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth-tokens file and the table read from it, re-read whenever the file changes. A change
 * that does not parse keeps the previous table (with a warning naming the bad lines), so a typo
 * never opens or closes the server to everyone.
 */
public final class TokenFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TokenFile.class);

    private final Path path;
    private final FileWatcher watcher;
    private volatile TokenTable table;
    private volatile String text;

    private TokenFile(Path path) throws IOException {
        this.path = path;
        this.text = read(path);
        this.table = TokenTable.parse(text.lines().toList());
        this.watcher = new FileWatcher("llmaos-auth-tokens", List.of(path), this::reload);
    }

    /**
     * Reads {@code path} and starts watching it. Throws {@link IllegalArgumentException} when it
     * does not parse and {@link UncheckedIOException} when it cannot be read.
     */
    public static TokenFile open(Path path) {
        try {
            return new TokenFile(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The tokens accepted now. */
    public TokenTable table() {
        return table;
    }

    /** Re-reads the file if its text changed. */
    void reload() {
        String now;
        try {
            now = read(path);
        } catch (IOException e) {
            log.warn("auth tokens: cannot re-read {} ({}); keeping the {} tokens read before", path, e, table.size());
            return;
        }
        if (now.equals(text)) {
            return;
        }
        try {
            TokenTable next = TokenTable.parse(now.lines().toList());
            table = next;
            text = now;
            log.info("auth tokens: re-read {}: {} tokens", path, next.size());
        } catch (IllegalArgumentException e) {
            log.warn(
                    "auth tokens: {} does not parse ({}); keeping the {} tokens read before",
                    path,
                    e.getMessage(),
                    table.size());
        }
    }

    private static String read(Path path) throws IOException {
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
