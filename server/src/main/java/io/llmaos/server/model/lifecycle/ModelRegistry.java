package io.llmaos.server.model.lifecycle;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.model.lifecycle.ModelEntry.VersionSlot;
import io.llmaos.server.model.repository.RepositoryPaths;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is loaded, in memory: every model the server manages, its versions and the copies serving
 * them, and the names the repository held at its last scan. Resolving a name and version to a
 * serving copy and answering readiness never touch the disk and never wait; state changes are
 * published to watchers from here. The {@link LifecycleController} changes what it holds.
 */
public final class ModelRegistry {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final ConcurrentMap<String, ModelEntry> models = new ConcurrentHashMap<>();
    private final List<Consumer<ModelEvent>> listeners = new CopyOnWriteArrayList<>();
    /** The repository's model names at its last scan (start-up, polls, listings, loads). */
    private volatile Set<String> scanned = Set.of();

    /**
     * The copy serving {@code name} at {@code version} (0 = the highest READY version): NOT_FOUND for
     * a model neither loaded nor in the repository at its last scan, or a version it does not have;
     * MODEL_NOT_READY (UNAVAILABLE) for one that is not loaded or not READY.
     */
    public ServedCopy resolve(String name, long version) {
        RepositoryPaths.requireValidName(name);
        ModelEntry model = models.get(name);
        if (model == null) {
            throw notLoaded(name);
        }
        if (version == 0) {
            ServedCopy serving = model.highestServing();
            if (serving == null) {
                throw new LlmaosException(
                        ErrorCode.MODEL_NOT_READY,
                        "model '" + name + "' has no READY version" + describe(model.statuses()));
            }
            return serving;
        }
        VersionSlot slot = model.existing(version);
        if (slot == null) {
            throw LlmaosException.notFound("model '" + name + "' has no version " + version);
        }
        ServedCopy serving = slot.serving;
        if (serving == null) {
            throw new LlmaosException(
                    ErrorCode.MODEL_NOT_READY,
                    "version " + version + " of model '" + name + "' is " + slot.status.state()
                            + (slot.status.reason().isEmpty() ? "" : ": " + slot.status.reason()));
        }
        return serving;
    }

    /**
     * Whether {@code name} has a READY copy at {@code version} (0 = any); NOT_FOUND for a model
     * neither loaded nor in the repository at its last scan.
     */
    public boolean ready(String name, long version) {
        RepositoryPaths.requireValidName(name);
        ModelEntry model = models.get(name);
        if (model == null) {
            if (!scanned.contains(name)) {
                throw notLoaded(name);
            }
            return false;
        }
        if (version == 0) {
            return model.highestServing() != null;
        }
        VersionSlot slot = model.existing(version);
        return slot != null && slot.serving != null;
    }

    /**
     * The status of a model that has a serving copy, from memory: its loaded versions and the
     * configuration in force. Empty for a model without one (its status needs the repository).
     */
    public java.util.Optional<ModelStatus> loadedStatus(String name) {
        RepositoryPaths.requireValidName(name);
        ModelEntry model = models.get(name);
        ServedCopy serving = model == null ? null : model.highestServing();
        if (serving == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(
                new ModelStatus(name, serving.config(), model.configError(), model.statuses(), serving.lastUsed()));
    }

    private LlmaosException notLoaded(String name) {
        return scanned.contains(name)
                ? new LlmaosException(
                        ErrorCode.MODEL_NOT_READY, "model '" + name + "' is not loaded (load it with LoadModel)")
                : LlmaosException.notFound("model '" + name + "' is not in the repository");
    }

    /** Calls {@code listener} with every state change from now on; run the returned task to stop. */
    public Runnable watch(Consumer<ModelEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Records what a scan of the repository found. */
    void scanned(Collection<String> names) {
        scanned = Set.copyOf(names);
    }

    /** Adds {@code name} to the names known in the repository (its folder was just read). */
    void found(String name) {
        if (!scanned.contains(name)) {
            java.util.Set<String> more = new java.util.HashSet<>(scanned);
            more.add(name);
            scanned = Set.copyOf(more);
        }
    }

    ModelEntry get(String name) {
        return models.get(name);
    }

    ModelEntry entry(String name) {
        return models.computeIfAbsent(name, ModelEntry::new);
    }

    Collection<ModelEntry> all() {
        return models.values();
    }

    Set<String> names() {
        return models.keySet();
    }

    /** Moves {@code slot} of {@code model} to {@code next} and tells every watcher. */
    void transition(ModelEntry model, VersionSlot slot, VersionStatus next) {
        ModelState previous = slot.status.state();
        slot.status = next;
        ModelEvent event = new ModelEvent(model.name, next, previous);
        for (Consumer<ModelEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("a model event listener failed: {}", e.toString());
            }
        }
    }

    private static String describe(List<VersionStatus> statuses) {
        return statuses.isEmpty()
                ? ""
                : " ("
                        + String.join(
                                ", ",
                                statuses.stream()
                                        .map(s -> "version " + s.version() + " " + s.state()
                                                + (s.reason().isEmpty() ? "" : ": " + s.reason()))
                                        .toList())
                        + ")";
    }
}
