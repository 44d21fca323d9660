package io.llmaos.server.model.lifecycle;

import io.llmaos.server.model.repository.ModelFingerprint;
import io.llmaos.server.model.repository.ModelRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poll mode: compares the repository with the last poll; new and changed models are (re)loaded,
 * removed ones unloaded. The first poll loads everything.
 */
public final class RepositoryPoller {
    private static final Logger log = LoggerFactory.getLogger(RepositoryPoller.class);

    private final ModelRepository repository;
    private final LifecycleController lifecycle;
    private Map<String, ModelFingerprint> lastSeen = Map.of();

    public RepositoryPoller(ModelRepository repository, LifecycleController lifecycle) {
        this.repository = repository;
        this.lifecycle = lifecycle;
    }

    /** One poll; returns the loads and unloads it started. */
    public synchronized List<CompletableFuture<ModelStatus>> poll() {
        Map<String, ModelFingerprint> now = repository.fingerprints();
        lifecycle.registry().scanned(now.keySet());
        List<CompletableFuture<ModelStatus>> started = new ArrayList<>();
        for (Map.Entry<String, ModelFingerprint> e : now.entrySet()) {
            if (!e.getValue().equals(lastSeen.get(e.getKey()))) {
                log.info("repository poll: model '{}' is new or changed", e.getKey());
                started.add(logged(lifecycle.load(e.getKey(), null), e.getKey()));
            }
        }
        for (String gone : lastSeen.keySet()) {
            if (!now.containsKey(gone)) {
                log.info("repository poll: model '{}' was removed", gone);
                started.add(logged(lifecycle.unload(gone, 0), gone));
            }
        }
        lastSeen = now;
        return started;
    }

    private static CompletableFuture<ModelStatus> logged(CompletableFuture<ModelStatus> future, String name) {
        future.whenComplete((s, e) -> {
            if (e != null) {
                log.warn(
                        "repository poll: '{}': {}",
                        name,
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            }
        });
        return future;
    }
}
