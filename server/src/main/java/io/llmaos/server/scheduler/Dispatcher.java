package io.llmaos.server.scheduler;

import com.google.protobuf.Timestamp;
import io.llmaos.proto.v1.SchedulerStats;
import io.llmaos.proto.v1.SchedulingPolicy;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scheduling layer's one entry point: routes each request to the {@link VersionScheduler} of
 * the copy serving it ({@link BatchingScheduler} for tensors, {@link ContinuousBatchingScheduler}
 * for tokens), made when the copy becomes READY and dropped when it closes; a copy that closes
 * between resolving and queuing is retried on the one replacing it. Also statistics and live
 * policies. While any request waits in a queue, a tick every ten milliseconds answers timed-out
 * requests at any depth and scales the instance pools; with nothing queued the ticker is not
 * scheduled at all, so an idle server does no work.
 */
public final class Dispatcher implements AutoCloseable {
    private static final int RESOLVE_RETRIES = 3;
    /** Text prompts that may wait to be tokenized; more are refused with RESOURCE_EXHAUSTED. */
    private static final int PROMPT_QUEUE = 256;

    private final ModelManager models;
    private final SchedulingPolicies policies;
    private final Clock clock;
    private final EngineBudget budget;
    private final Map<LoadedVersion, VersionScheduler> schedulers = new ConcurrentHashMap<>();
    private final QueueTicker ticker;
    private final ExecutorService grower;
    private final PromptPreprocessor prompts;

    /** @param budget the engine threads and instances all instance pools may hold together */
    public Dispatcher(ModelManager models, SchedulingPolicies policies, Clock clock, EngineBudget budget) {
        this.models = models;
        this.policies = policies;
        this.clock = clock;
        this.budget = budget;
        this.ticker = new QueueTicker(
                Executors.newSingleThreadScheduledExecutor(daemon("llmaos-scheduler-tick")), schedulers.values());
        this.grower = Executors.newSingleThreadExecutor(daemon("llmaos-scheduler-grow"));
        this.prompts = new PromptPreprocessor(
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                PROMPT_QUEUE,
                clock,
                daemon("llmaos-tokenize"));
        models.watch(event -> {
            if (event.status().state() == ModelState.READY) {
                try {
                    schedulerFor(models.resolve(event.name(), event.status().version()));
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
            throw generativeOnly(name);
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

    /** One try on the copy serving now; VersionClosingException when it closed meanwhile. */
    private CompletableFuture<InferenceResult> submitOnce(InferenceRequest request) {
        LoadedVersion version = models.resolve(request.model(), request.version());
        if (!(schedulerFor(version) instanceof BatchingScheduler scheduler)) {
            throw generativeOnly(request.model());
        }
        return scheduler.submit(request);
    }

    private static LlmaosException generativeOnly(String model) {
        return new LlmaosException(
                ErrorCode.FAILED_PRECONDITION, "model '" + model + "' is GENERATIVE: use InferenceService.Generate");
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
                ((ContinuousBatchingScheduler) schedulerFor(generative(request))).submit(request, listener);
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
                .sorted(Comparator.comparing(s -> s.ref().toString()))
                .forEach(s -> b.addModels(StatsReport.of(s)));
        return b.build();
    }

    /** Every scheduled model copy: what it holds and its demand now. */
    public List<ModelUsage> usage() {
        List<ModelUsage> all = new ArrayList<>();
        for (VersionScheduler s : schedulers.values()) {
            SchedulerSnapshot snap = s.snapshot();
            LoadedVersion v = s.version();
            all.add(new ModelUsage(
                    v.spec().ref().name(),
                    v.spec().ref().version(),
                    v.memoryBytes(),
                    v.reservedBytes(),
                    snap.workers(),
                    snap.workers() * v.spec().threads(),
                    snap.demand(),
                    v.config().getResources().getPinned(),
                    v.lastUsed()));
        }
        all.sort(Comparator.comparing(ModelUsage::name).thenComparingLong(ModelUsage::version));
        return all;
    }

    /** The engine threads and instances all instance pools hold together, with their limits. */
    public EngineBudget engineBudget() {
        return budget;
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
            return policies.serverDefault();
        }
        LoadedVersion version = models.resolve(model, 0);
        policies.set(policy, version.config());
        schedulers.values().stream()
                .filter(s -> s.ref().name().equals(model))
                .forEach(s -> s.apply(policies.forModel(model, s.version().config())));
        return policy(model);
    }

    /** Stops ticking; the model copies' workers stop as the copies are unloaded. */
    @Override
    public void close() {
        ticker.close();
        grower.shutdownNow();
        prompts.close();
    }

    /**
     * The scheduler of {@code version}, made on first use in the shape its kind needs; it leaves the
     * map when the copy closes (registered outside the map's update: a copy already closing runs it
     * at once).
     */
    private VersionScheduler schedulerFor(LoadedVersion version) {
        VersionScheduler existing = schedulers.get(version);
        if (existing != null) {
            return existing;
        }
        AtomicReference<VersionScheduler> made = new AtomicReference<>();
        VersionScheduler s = schedulers.computeIfAbsent(version, v -> {
            made.set(make(v));
            return made.get();
        });
        if (s == made.get()) {
            version.onClosing(() -> schedulers.remove(version, s));
        }
        return s;
    }

    private VersionScheduler make(LoadedVersion v) {
        ModelPolicy policy = policies.forModel(v.spec().ref().name(), v.config());
        String name = "llmaos-" + v.spec().ref().name() + "-" + v.spec().ref().version();
        return v.spec().kind() == ServingKind.GENERATIVE
                ? new ContinuousBatchingScheduler(v, policy, clock, daemon(name + "-decode"))
                : new BatchingScheduler(v, policy, clock, daemon(name + "-worker"), grower, ticker::wake);
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
