package io.llmaos.server.security;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Calls back when anything changes in the folders of some files (so a Kubernetes secret's swap of
 * its {@code ..data} link counts too). One daemon thread blocks on the file system's watch service:
 * nothing runs while nothing changes. A burst of events (an editor's save, a secret update) is
 * answered once, after it has been quiet for {@link #SETTLE_MILLIS}.
 */
public final class FileWatcher implements AutoCloseable {
    static final long SETTLE_MILLIS = 200;

    private final WatchService service;
    private final Thread thread;

    /** Starts watching the folders of {@code files}; {@code onChange} runs on the watcher's thread. */
    public FileWatcher(String name, Collection<Path> files, Runnable onChange) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        Set<Path> folders = new LinkedHashSet<>();
        for (Path f : files) {
            Path parent = f.toAbsolutePath().getParent();
            if (parent != null) {
                folders.add(parent);
            }
        }
        for (Path folder : folders) {
            folder.register(
                    service,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
        this.thread = new Thread(() -> loop(onChange), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Runnable onChange) {
        try {
            while (true) {
                WatchKey key = service.take();
                do {
                    key.pollEvents();
                    key.reset();
                    key = service.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                } while (key != null);
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(FileWatcher.class)
                            .warn("{}: reacting to a file change failed: {}", thread.getName(), e.toString());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
        thread.interrupt();
    }
}
