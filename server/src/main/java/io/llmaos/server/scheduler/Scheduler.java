package io.llmaos.server.scheduler;

import com.google.protobuf.Timestamp;
import io.llmaos.proto.v1.SchedulerStats;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.server.core.CapacityExceededException;
import io.llmaos.server.core.Clock;
import io.llmaos.server.core.ErrorCode;
import io.llmaos.server.core.GenerationListener;
import io.llmaos.server.core.GenerationRequest;
import io.llmaos.server.core.InferenceRequest;
import io.llmaos.server.core.InferenceResult;
import io.llmaos.server.core.InvalidInputException;
import io.llmaos.server.core.LlmaosException;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.ServingKind;
import io.llmaos.server.model.lifecycle.LoadedVersion;
import io.llmaos.server.model.lifecycle.ModelManager;
import io.llmaos.server.model.lifecycle.ModelState;
import io.llmaos.server.resource.EngineBudget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduling layer's one entry point: {@link #submit} admits a request into the priority queue
 * of the model copy serving it (or rejects it at once) and returns the future of its result. Also
 * statistics and live policies. While any request waits in a queue, a tick every ten milliseconds
 * answers timed-out requests at any depth and scales the instance pools; with nothing queued the
 * ticker is not scheduled at all, so an idle server does no work.
 */
public final class Scheduler implements AutoCloseable {
    private static final long TICK_MILLIS = 10;
    private static final int RESOLVE_RETRIES = 3;
    /** Text prompts that may wait to be tokenized; more are refused with RESOURCE_EXHAUSTED. */
    private static final int PROMPT_QUEUE = 256;

    private final ModelManager models;
    private final SchedulingPolicies policies;
    private final Clock clock;
    private final EngineBudget budget;
    private final Map<LoadedVersion, ModelScheduler> schedulers = new ConcurrentHashMap<>();
    private final Map<LoadedVersion, GenerationScheduler> generators = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService grower;
    private final PromptPreprocessor prompts;
    /** Whether a tick is scheduled or running. */
    private final AtomicBoolean ticking = new AtomicBoolean();

    /**
     * @param threadBudget the engine threads all instance pools may use together (defaults to the cores)
     */
    public Scheduler(ModelManager models, SchedulingPolicies policies, Clock clock, int threadBudget) {
        this(models, policies, clock, new EngineBudget(threadBudget, 0));
    }

    /** @param budget the engine threads and instances all instance pools may hold together */
    public Scheduler(ModelManager models, SchedulingPolicies policies, Clock clock, EngineBudget budget) {
        this.models = models;
        this.policies = policies;
        this.clock = clock;
        this.budget = budget;
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("llmaos-scheduler-tick"));
        this.grower = Executors.newSingleThreadExecutor(daemon("llmaos-scheduler-grow"));
        this.prompts = new PromptPreprocessor(
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                PROMPT_QUEUE,
                clock,
                daemon("llmaos-tokenize"));
        models.watch(event -> {
            if (event.status().state() == ModelState.READY) {
                try {
                    LoadedVersion v =
                            models.resolve(event.name(), event.status().version());
                    if (v.spec().kind() == ServingKind.GENERATIVE) {
                        generatorFor(v);
                    } else {
                        schedulerFor(v);
                    }
                } catch (LlmaosException ignored) {
                    // replaced or unloaded meanwhile: the next request creates what it needs
                }
            }
        });
    }

    /**
     * What the copy serving {@code name} at {@code version} (0 = highest READY) expects, so a
     * request can be validated before it is decoded. GENERATIVE models are served by Generate.
     */
    public ModelSpec spec(String name, long version) {
        if (name.isEmpty()) {
            throw new InvalidInputException("model_name", "is required");
        }
        ModelSpec spec = models.resolve(name, version).spec();
        if (spec.kind() == ServingKind.GENERATIVE) {
            throw new LlmaosException(
                    ErrorCode.FAILED_PRECONDITION, "model '" + name + "' is GENERATIVE: use InferenceService.Generate");
        }
        return spec;
    }

    /**
     * Admits {@code request}: NOT_FOUND / UNAVAILABLE when no copy serves it, INVALID_ARGUMENT for a
     * priority the model does not have, RESOURCE_EXHAUSTED when its tenant's quota or its level's
     * queue is full (the future fails at once). The future completes with the result, or with
     * DEADLINE_EXCEEDED / CANCELLED when the request leaves the queue unserved.
     */
    public CompletableFuture<InferenceResult> submit(InferenceRequest request) {
        for (int attempt = 0; ; attempt++) {
            try {
                return submitOnce(request);
            } catch (LoadedVersion.VersionClosingException e) {
                if (attempt >= RESOLVE_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /**
     * One try on the copy serving now; VersionClosingException when it closed meanwhile. Once the
     * copy admitted the request, every way out gives the admission (and the tenant's quota) back:
     * a rejection before queuing releases here, and a queued request releases when it is answered.
     */
    private CompletableFuture<InferenceResult> submitOnce(InferenceRequest request) {
        LoadedVersion version = models.resolve(request.model(), request.version());
        version.admit();
        ModelScheduler scheduler;
        PendingRequest pending;
        try {
            scheduler = schedulerFor(version);
            ModelPolicy policy = scheduler.policy();
            int level = request.priority() == 0 ? policy.defaultPriority() : request.priority();
            if (level < 1 || level > policy.levels().size()) {
                scheduler
                        .stats()
                        .rejected(
                                Math.max(1, Math.min(level, policy.levels().size())),
                                request.tenant(),
                                ModelStats.Rejection.INVALID);
                throw new InvalidInputException(
                        "priority",
                        "model '" + request.model() + "' has priority levels 1.."
                                + policy.levels().size() + " (1 = highest, 0 = its default " + policy.defaultPriority()
                                + ")");
            }
            try {
                scheduler.quotas().acquire(request.tenant(), policy.tenant(request.tenant()));
            } catch (CapacityExceededException e) {
                scheduler.stats().rejected(level, request.tenant(), ModelStats.Rejection.QUOTA);
                version.release();
                return CompletableFuture.failedFuture(e);
            }
            Runnable giveBack = () -> {
                scheduler.quotas().release(request.tenant());
                version.release();
            };
            try {
                long now = clock.nanoTime();
                pending = new PendingRequest(
                        request,
                        level,
                        now,
                        policy.levels().get(level - 1).deadline(request.deadlineNanos(), request.timeout(), now),
                        giveBack);
            } catch (RuntimeException | Error e) {
                scheduler.quotas().release(request.tenant());
                throw e;
            }
        } catch (RuntimeException | Error e) {
            version.release();
            throw e;
        }
        try {
            if (scheduler.runInline(pending)) {
                return pending.future;
            }
            scheduler.enqueue(pending);
        } catch (LoadedVersion.VersionClosingException e) {
            pending.abandon();
            throw e;
        } catch (LlmaosException e) {
            pending.fail(e);
            scheduler
                    .stats()
                    .rejected(
                            pending.level,
                            request.tenant(),
                            e.code() == ErrorCode.CAPACITY_EXCEEDED
                                    ? ModelStats.Rejection.QUEUE_FULL
                                    : ModelStats.Rejection.NOT_READY);
            return pending.future;
        } catch (RuntimeException | Error e) {
            pending.fail(e);
            return pending.future;
        }
        request.cancellation().onCancel(() -> scheduler.cancel(pending));
        return pending.future;
    }

    /**
     * Starts generating for {@code request}: validates it (INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE,
     * FAILED_PRECONDITION for a model that is not GENERATIVE are thrown) and queues its sequence by
     * priority; {@code listener} then hears of its tokens and its end, or of the error that kept it
     * from running (such as RESOURCE_EXHAUSTED when its level's queue is full).
     */
    public void generate(GenerationRequest request, GenerationListener listener) {
        if (request.model().isEmpty()) {
            throw new InvalidInputException("model_name", "is required");
        }
        generative(request);
        if (request.promptText() == null) {
            submitSequence(request, listener);
        } else {
            prompts.run(request, listener, () -> submitSequence(request, listener));
        }
    }

    /** Queues the sequence on the copy serving now, trying the next copy when that one closed meanwhile. */
    private void submitSequence(GenerationRequest request, GenerationListener listener) {
        for (int attempt = 0; ; attempt++) {
            try {
                generatorFor(generative(request)).submit(request, listener);
                return;
            } catch (LoadedVersion.VersionClosingException e) {
                if (attempt >= RESOLVE_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** The copy serving {@code request}'s model: NOT_FOUND, UNAVAILABLE, or FAILED_PRECONDITION when not GENERATIVE. */
    private LoadedVersion generative(GenerationRequest request) {
        LoadedVersion version = models.resolve(request.model(), request.version());
        if (version.spec().kind() != ServingKind.GENERATIVE) {
            throw new LlmaosException(
                    ErrorCode.FAILED_PRECONDITION,
                    "model '" + request.model() + "' is " + version.spec().kind()
                            + ", not GENERATIVE: use InferenceService.Infer");
        }
        return version;
    }

    /** Statistics of every scheduled model copy, or those of the named models. */
    public SchedulerStats stats(List<String> names) {
        Instant now = clock.now();
        SchedulerStats.Builder b = SchedulerStats.newBuilder()
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
        schedulers.values().stream()
                .filter(s -> names.isEmpty() || names.contains(s.ref().name()))
                .sorted((x, y) -> x.ref().toString().compareTo(y.ref().toString()))
                .forEach(s -> b.addModels(StatsReport.of(s)));
        generators.values().stream()
                .filter(g -> names.isEmpty() || names.contains(g.ref().name()))
                .sorted((x, y) -> x.ref().toString().compareTo(y.ref().toString()))
                .forEach(g -> b.addModels(StatsReport.of(g)));
        return b.build();
    }

    /** Every scheduled model copy: what it holds and its demand now. */
    public List<ModelUsage> usage() {
        List<ModelUsage> all = new ArrayList<>();
        for (ModelScheduler s : schedulers.values()) {
            ModelScheduler.Snapshot snap = s.snapshot();
            all.add(usage(s.version(), snap, snap.workers() * s.version().spec().threads()));
        }
        for (GenerationScheduler g : generators.values()) {
            ModelScheduler.Snapshot snap = g.snapshot();
            all.add(usage(g.version(), snap, snap.workers() * g.version().spec().threads()));
        }
        all.sort(java.util.Comparator.comparing(ModelUsage::name).thenComparingLong(ModelUsage::version));
        return all;
    }

    /** The engine threads and instances all instance pools hold together, with their limits. */
    public EngineBudget engineBudget() {
        return budget;
    }

    private static ModelUsage usage(LoadedVersion v, ModelScheduler.Snapshot snap, int threads) {
        int demand = java.util.Arrays.stream(snap.depth()).sum()
                + java.util.Arrays.stream(snap.inFlight()).sum();
        return new ModelUsage(
                v.spec().ref().name(),
                v.spec().ref().version(),
                v.memoryBytes(),
                v.reservedBytes(),
                snap.workers(),
                threads,
                demand,
                v.config().getResources().getPinned(),
                v.lastUsed());
    }

    /** The policy in force for {@code model} (empty = the server-wide default). */
    public SchedulingPolicy policy(String model) {
        if (model.isEmpty()) {
            return policies.serverDefault();
        }
        LoadedVersion version = models.resolve(model, 0);
        return policies.forModel(model, version.config()).toProto(model);
    }

    /** Validates, stores and applies {@code policy} live; returns the policy now in force. */
    public SchedulingPolicy setPolicy(SchedulingPolicy policy) {
        String model = policy.getModelName();
        if (model.isEmpty()) {
            policies.set(policy, null);
            schedulers
                    .values()
                    .forEach(s -> s.apply(
                            policies.forModel(s.ref().name(), s.version().config())));
            generators
                    .values()
                    .forEach(g -> g.apply(
                            policies.forModel(g.ref().name(), g.version().config())));
            return policies.serverDefault();
        }
        LoadedVersion version = models.resolve(model, 0);
        policies.set(policy, version.config());
        schedulers.values().stream()
                .filter(s -> s.ref().name().equals(model))
                .forEach(s -> s.apply(policies.forModel(model, s.version().config())));
        generators.values().stream()
                .filter(g -> g.ref().name().equals(model))
                .forEach(g -> g.apply(policies.forModel(model, g.version().config())));
        return policy(model);
    }

    /** Stops ticking; the model copies' workers stop as the copies are unloaded. */
    @Override
    public void close() {
        ticker.shutdownNow();
        grower.shutdownNow();
        prompts.close();
    }

    private ModelScheduler schedulerFor(LoadedVersion version) {
        return forCopy(
                schedulers,
                version,
                v -> new ModelScheduler(
                        v,
                        policies.forModel(v.spec().ref().name(), v.config()),
                        clock,
                        daemon("llmaos-" + v.spec().ref().name() + "-"
                                + v.spec().ref().version() + "-worker"),
                        grower,
                        this::wakeTicker));
    }

    private GenerationScheduler generatorFor(LoadedVersion version) {
        return forCopy(
                generators,
                version,
                v -> new GenerationScheduler(
                        v,
                        policies.forModel(v.spec().ref().name(), v.config()),
                        clock,
                        daemon("llmaos-" + v.spec().ref().name() + "-"
                                + v.spec().ref().version() + "-decode")));
    }

    /**
     * The scheduler of {@code version} in {@code map}, made on first use; it leaves the map when the
     * copy closes (registered outside the map's update: a copy already closing runs it at once).
     */
    private static <S> S forCopy(
            Map<LoadedVersion, S> map, LoadedVersion version, java.util.function.Function<LoadedVersion, S> make) {
        S existing = map.get(version);
        if (existing != null) {
            return existing;
        }
        java.util.concurrent.atomic.AtomicReference<S> made = new java.util.concurrent.atomic.AtomicReference<>();
        S s = map.computeIfAbsent(version, v -> {
            made.set(make.apply(v));
            return made.get();
        });
        if (s == made.get()) {
            version.onClosing(() -> map.remove(version, s));
        }
        return s;
    }

    /** Makes sure a tick is coming: called whenever a request is queued. */
    private void wakeTicker() {
        if (!ticking.get() && ticking.compareAndSet(false, true)) {
            scheduleTick();
        }
    }

    private void scheduleTick() {
        try {
            ticker.schedule(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ticking.set(false);
        }
    }

    private void tick() {
        if (anyQueued(true)) {
            scheduleTick();
            return;
        }
        ticking.set(false);
        // a request queued while this tick looked elsewhere saw it running and relies on it: look again
        if (anyQueued(false) && ticking.compareAndSet(false, true)) {
            scheduleTick();
        }
    }

    /** Whether any model has requests queued; {@code tick} runs each model's tick on the way. */
    private boolean anyQueued(boolean tick) {
        boolean queued = false;
        for (ModelScheduler s : schedulers.values()) {
            try {
                queued |= tick ? s.tick() : s.hasQueued();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Scheduler.class).warn("scheduler tick of {} failed", s.ref(), e);
                queued = true;
            }
        }
        return queued;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
