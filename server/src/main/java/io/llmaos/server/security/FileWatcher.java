package io.llmaos.server.security;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Calls back when some files change: events in their folders that name one of them, or a
 * Kubernetes secret's {@code ..data} link swap (names starting with {@code ..}); other files in
 * the same folders (a log written beside them) are ignored. One daemon thread blocks on the file
 * system's watch service: nothing runs while nothing changes. A burst of events (an editor's save,
 * a secret update) is answered once, after it has been quiet for {@link #SETTLE_MILLIS}.
 */
public final class FileWatcher implements AutoCloseable {
    static final long SETTLE_MILLIS = 200;

    private final WatchService service;
    private final Thread thread;
    private final Set<Path> names = new java.util.HashSet<>();

    /** Starts watching the folders of {@code files}; {@code onChange} runs on the watcher's thread. */
    public FileWatcher(String name, Collection<Path> files, Runnable onChange) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        Set<Path> folders = new LinkedHashSet<>();
        for (Path f : files) {
            Path parent = f.toAbsolutePath().getParent();
            if (parent != null) {
                folders.add(parent);
                names.add(f.getFileName());
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
                boolean relevant = false;
                do {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        relevant |= concerns(event.context());
                    }
                    key.reset();
                    key = service.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                } while (key != null);
                if (!relevant) {
                    continue;
                }
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

    /** Whether an event about {@code name} (null when events were lost) may change a watched file. */
    private boolean concerns(Object name) {
        if (!(name instanceof Path p)) {
            return true;
        }
        return names.contains(p) || p.toString().startsWith("..");
    }

    @Override
    public void close() throws IOException {
        service.close();
        thread.interrupt();
    }
}
