package io.llmaos.optimizer.trial;

import io.llmaos.client.LlmaosClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A server someone else runs (--target): never restarted; after a crash it is waited for. */
public final class RunningServer implements ServerTarget {
    private final LlmaosClient client;
    private final Path repository;
    private final Duration comeBack;

    /**
     * @param repository its repository folder, where the optimizer can reach it (for --apply), or null
     * @param comeBack   how long to wait for it after a crash (a supervisor restarting it)
     */
    public RunningServer(LlmaosClient client, Path repository, Duration comeBack) {
        this.client = client;
        this.repository = repository;
        this.comeBack = comeBack;
    }

    @Override
    public LlmaosClient client() {
        return client;
    }

    @Override
    public boolean owned() {
        return false;
    }

    @Override
    public void ensureFlags(List<String> flags) {
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("server settings (" + String.join(" ", flags)
                    + ") can be searched only on a server the optimizer" + " starts (--models DIR)");
        }
    }

    @Override
    public boolean alive() {
        try {
            return client.isServing();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean recover() throws InterruptedException {
        long deadline = System.nanoTime() + comeBack.toNanos();
        while (System.nanoTime() < deadline) {
            if (alive()) {
                return true;
            }
            Thread.sleep(500);
        }
        return alive();
    }

    @Override
    public Path repository() {
        return repository;
    }

    @Override
    public void close() {
        // not ours to stop; the caller closes the client
    }
}
