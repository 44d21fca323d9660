package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.lifecycle.ModelEntry.VersionSlot;
import io.llmaos.server.model.repository.ModelRepository;
import io.llmaos.server.model.repository.ModelSource;
import io.llmaos.server.model.repository.RepositoryPaths;
import io.llmaos.server.resource.EngineBudget;
import io.llmaos.server.resource.MemoryLedger;
import io.llmaos.server.resource.ProcessMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of every model: loads and unloads (serialised per model, run on a bounded pool so
 * a slow load blocks no caller), reloads that swap a version only once its new copy is READY, and
 * load-on-demand without a waiting caller. One budget reservation (engine threads and instances,
 * then model memory) is taken before a load makes anything and given back on every failure path.
 * What is loaded lives in the {@link ModelRegistry}; the {@link RepositoryPoller} drives it in poll
 * mode.
 */
public final class LifecycleController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LifecycleController.class);

    private final ModelRepository repository;
    private final VersionLoader loader;
    private final ProcessMemory memory;
    private final Clock clock;
    private final ExecutorService loadPool;
    private final ModelRegistry registry = new ModelRegistry();
    private final OnDemandLoads onDemand;
    private final MemoryLedger ledger;
    private final EngineBudget engineBudget;
    private final java.time.Duration loadTimeout;
    private final MemoryAdmission admission;

    /**
     * @param loadPool the bounded pool loads and unloads run on (owned: closed by {@link #close})
     */
    public LifecycleController(
            ModelRepository repository,
            EngineRegistry engines,
            ProcessMemory memory,
            Clock clock,
            ExecutorService loadPool) {
        this(repository, engines, memory, clock, loadPool, LifecycleLimits.unlimited(clock));
    }

    /** @param limits the memory and engine budgets, the load timeout and load-on-demand */
    public LifecycleController(
            ModelRepository repository,
            EngineRegistry engines,
            ProcessMemory memory,
            Clock clock,
            ExecutorService loadPool,
            LifecycleLimits limits) {
        this.engineBudget = limits.engines();
        this.ledger = limits.ledger();
        this.loadTimeout = limits.loadTimeout();
        this.admission = new MemoryAdmission(
                ledger, registry::all, (victim, why) -> victim.versions().forEach(v -> unloadSlot(victim, v, why)));
        this.repository = repository;
        this.loader = new VersionLoader(engines, memory, clock);
        this.memory = memory;
        this.clock = clock;
        this.loadPool = loadPool;
        this.onDemand = new OnDemandLoads(registry, name -> load(name, null), loadPool, limits.onDemandWait());
    }

    /** The repository served. */
    public ModelRepository repository() {
        return repository;
    }

    /** What is loaded: resolution and readiness in memory, and state-change events. */
    public ModelRegistry registry() {
        return registry;
    }

    /** Reads the repository's model names (at start-up, and whenever the repository is listed). */
    public List<String> scan() {
        List<String> names = repository.modelNames();
        registry.scanned(names);
        return names;
    }

    /**
     * Loads (or reloads) model {@code name}: versions whose files or configuration changed, or that
     * are not READY, get a new copy that replaces the old one once READY; versions the policy no
     * longer selects are unloaded. A non-null {@code override} replaces config.json.
     */
    public CompletableFuture<ModelStatus> load(String name, ModelConfig override) {
        RepositoryPaths.requireValidName(name);
        if (registry.get(name) == null) {
            repository.requireExists(name);
            registry.found(name);
        }
        ModelEntry model = registry.entry(name);
        LoadTicket ticket = new LoadTicket(clock, loadTimeout);
        model.track(ticket);
        return model.enqueue(
                () -> {
                    try {
                        ticket.start();
                        return doLoad(model, override, ticket);
                    } finally {
                        model.untrack(ticket);
                    }
                },
                loadPool);
    }

    /** Unloads every version of {@code name} (version 0) or one version, after in-flight work. */
    public CompletableFuture<ModelStatus> unload(String name, long version) {
        RepositoryPaths.requireValidName(name);
        ModelEntry model = registry.get(name);
        if (model == null) {
            return CompletableFuture.completedFuture(status(name));
        }
        // a load under way or queued stops at its next step rather than finish first
        model.cancelLoads("UnloadModel was called");
        return model.enqueue(() -> doUnload(model, version, "unloaded"), loadPool);
    }

    /** Every model in the repository or loaded, by name. */
    public List<ModelStatus> list() {
        TreeSet<String> names = new TreeSet<>(scan());
        names.addAll(registry.names());
        List<ModelStatus> result = new ArrayList<>();
        for (String name : names) {
            result.add(status(name));
        }
        return result;
    }

    /** One model's status; NOT_FOUND when it is neither in the repository nor loaded. */
    public ModelStatus status(String name) {
        RepositoryPaths.requireValidName(name);
        ModelEntry model = registry.get(name);
        ModelSource source = null;
        String configError = "";
        try {
            source = repository.read(name);
        } catch (LlmaosException e) {
            if (e.code() == ErrorCode.NOT_FOUND && model == null) {
                throw e;
            }
            configError = e.getMessage();
        }
        Map<Long, VersionStatus> versions = new HashMap<>();
        if (source != null) {
            source.versionsOnDisk()
                    .keySet()
                    .forEach(v -> versions.put(v, VersionStatus.unavailable(v, "", clock.now())));
        }
        ModelConfig config = source != null ? source.config() : ModelConfig.getDefaultInstance();
        java.time.Instant lastUsed = null;
        if (model != null) {
            model.statuses().forEach(s -> versions.put(s.version(), s));
            ServedCopy serving = model.highestServing();
            if (serving != null) {
                config = serving.config();
                lastUsed = serving.lastUsed();
            }
            if (!model.configError().isEmpty()) {
                configError = model.configError();
            }
        }
        List<VersionStatus> sorted = versions.values().stream()
                .sorted((a, b) -> Long.compare(b.version(), a.version()))
                .toList();
        return new ModelStatus(name, config, configError, sorted, lastUsed);
    }

    /** The model-memory ledger. */
    public MemoryLedger ledger() {
        return ledger;
    }

    /**
     * The copy serving {@code name} at {@code version}, loading it first with load-on-demand; see
     * {@link OnDemandLoads}. No caller's thread waits for a load.
     */
    public CompletableFuture<ServedCopy> resolveAsync(String name, long version) {
        return onDemand.resolve(name, version);
    }

    /** Unloads everything and stops the load pool. */
    @Override
    public void close() {
        List<CompletableFuture<ModelStatus>> unloads = new ArrayList<>();
        registry.names().forEach(name -> unloads.add(unload(name, 0)));
        unloads.forEach(f -> f.exceptionally(e -> null).join());
        loadPool.shutdown();
    }

    private ModelStatus doLoad(ModelEntry model, ModelConfig override, LoadTicket ticket) {
        ticket.check("model '" + model.name + "'");
        ModelSource source;
        try {
            source = repository.read(model.name, override);
            model.configRead(source.config(), "");
        } catch (LlmaosException e) {
            model.configRead(model.config(), e.getMessage());
            throw e;
        }
        if (source.selectedVersions().isEmpty()) {
            throw LlmaosException.notFound("model '" + model.name + "' has no version folders (1, 2, ...)");
        }
        LlmaosException firstFailure = null;
        for (long version : source.selectedVersions()) {
            try {
                loadVersion(model, source, version, ticket);
            } catch (LlmaosException e) {
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        for (long version : model.versions()) {
            if (source.selectedVersions().contains(version)) {
                continue;
            }
            boolean onDisk = source.versionsOnDisk().containsKey(version);
            VersionSlot slot = model.existing(version);
            if (onDisk && firstFailure != null && slot != null && slot.serving != null) {
                // a version the policy now passes over keeps serving until what replaces it is READY
                VersionStatus st = slot.status;
                transition(
                        model,
                        slot,
                        new VersionStatus(
                                version,
                                st.state(),
                                "still serving: a newer version failed" + " to load",
                                st.memoryBytes(),
                                st.instances(),
                                st.since(),
                                st.loadMillis()));
                continue;
            }
            unloadSlot(model, version, onDisk ? "not selected by the version policy" : "removed from the repository");
            if (!onDisk) {
                model.forget(version);
            }
        }
        if (firstFailure != null) {
            throw new LlmaosException(
                    firstFailure.code(),
                    "model '" + model.name + "' failed to load: " + firstFailure.getMessage(),
                    firstFailure);
        }
        return status(model.name);
    }

    private void loadVersion(ModelEntry model, ModelSource source, long version, LoadTicket ticket) {
        VersionSlot slot = model.slot(version, clock.now());
        long stamp = repository.versionStamp(source, version);
        ServedCopy current = slot.serving;
        if (current != null && current.stamp() == stamp && current.config().equals(source.config())) {
            return;
        }
        if (current == null) {
            transition(model, slot, slot.status.moveTo(ModelState.LOADING, "", clock.now()));
        }
        int instances = Math.max(1, source.config().getInstances().getMin());
        int threads = 0;
        MemoryLedger.Reservation reservation = null;
        try {
            ModelSpec spec = repository.spec(source, version);
            // every engine thread is counted before the engine creates it
            if (!engineBudget.tryReserve(instances, spec.threads())) {
                throw new CapacityExceededException(
                        "ENGINE_BUDGET",
                        "loading " + model.name + "/" + version + ": "
                                + engineBudget.shortfall(instances, spec.threads()),
                        java.time.Duration.ofSeconds(1));
            }
            threads = spec.threads();
            reservation = admission.admit(model, version, MemoryAdmission.estimate(source.config(), spec));
            ServedCopy fresh = loader.load(spec, source.config(), stamp, engineBudget, ticket);
            threads = 0; // the copy owns its instances' share of the engine budget now
            ledger.settle(reservation, fresh.memoryBytes());
            fresh.reservedBytes(reservation.bytes());
            MemoryLedger.Reservation previous = slot.reservation;
            slot.reservation = reservation;
            slot.serving = fresh;
            transition(
                    model,
                    slot,
                    new VersionStatus(
                            version,
                            ModelState.READY,
                            "",
                            fresh.memoryBytes(),
                            fresh.instanceCount(),
                            clock.now(),
                            fresh.loadMillis()));
            if (current != null) {
                current.drainAndClose();
                memory.returnFreedMemory();
                ledger.release(previous, "release", "replaced by a new copy");
                log.info("swapped in a new copy of {}/{}", model.name, version);
            }
        } catch (RuntimeException | Error e) {
            for (int i = 0; threads > 0 && i < instances; i++) {
                engineBudget.give(threads);
            }
            if (reservation != null) {
                ledger.release(reservation, "release", "the load failed");
            }
            String why = e instanceof LlmaosException known ? known.getMessage() : "the load failed: " + e;
            if (current == null) {
                transition(model, slot, slot.status.moveTo(ModelState.FAILED, why, clock.now()));
            } else {
                VersionStatus s = slot.status;
                transition(
                        model,
                        slot,
                        new VersionStatus(
                                version,
                                s.state(),
                                "reload failed, still serving the" + " previous copy: " + why,
                                s.memoryBytes(),
                                s.instances(),
                                s.since(),
                                s.loadMillis()));
            }
            log.warn("{}/{} failed to load: {}", model.name, version, why);
            if (e instanceof LlmaosException || e instanceof Error) {
                throw e;
            }
            throw new LlmaosException(ErrorCode.ENGINE_FAILURE, why, e);
        }
    }

    private ModelStatus doUnload(ModelEntry model, long version, String why) {
        if (version != 0 && model.existing(version) == null) {
            throw LlmaosException.notFound("model '" + model.name + "' has no loaded version " + version);
        }
        for (long v : model.versions()) {
            if (version == 0 || v == version) {
                unloadSlot(model, v, why);
            }
        }
        return status(model.name);
    }

    private void unloadSlot(ModelEntry model, long version, String why) {
        VersionSlot slot = model.existing(version);
        if (slot == null) {
            return;
        }
        ServedCopy serving = slot.serving;
        if (serving != null) {
            transition(model, slot, slot.status.moveTo(ModelState.UNLOADING, why, clock.now()));
            slot.serving = null;
            serving.drainAndClose();
            memory.returnFreedMemory();
            ledger.release(slot.reservation, why.startsWith("evicted") ? "evict" : "release", why);
            slot.reservation = null;
        }
        if (slot.status.state() != ModelState.UNAVAILABLE) {
            transition(model, slot, slot.status.moveTo(ModelState.UNAVAILABLE, why, clock.now()));
        }
    }

    private void transition(ModelEntry model, VersionSlot slot, VersionStatus next) {
        registry.transition(model, slot, next);
    }
}
