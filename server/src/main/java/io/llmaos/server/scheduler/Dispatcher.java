package io.llmaos.server.scheduler;

import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.GenerationListener;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.request.InferenceRequest;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.model.engine.ServingKind;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.model.lifecycle.ModelRegistry;
import io.llmaos.server.model.lifecycle.ModelState;
import io.llmaos.server.model.lifecycle.ServedCopy;
import io.llmaos.server.resource.EngineBudget;
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

    private final LifecycleController lifecycle;
    private final ModelRegistry registry;
    private final SchedulingPolicies policies;
    private final Clock clock;
    private final EngineBudget budget;
    private final Map<ServedCopy, VersionScheduler> schedulers = new ConcurrentHashMap<>();
    private volatile SchedulerObserver observer = SchedulerObserver.NONE;
    private final QueueTicker ticker;
    private final ExecutorService grower;
    private final PromptPreprocessor prompts;

    /** @param budget the engine threads and instances all instance pools may hold together */
    public Dispatcher(LifecycleController lifecycle, SchedulingPolicies policies, Clock clock, EngineBudget budget) {
        this.lifecycle = lifecycle;
        this.registry = lifecycle.registry();
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
        registry.watch(event -> {
            if (event.status().state() == ModelState.READY) {
                try {
                    schedulerFor(registry.resolve(event.name(), event.status().version()));
                } catch (LlmaosException ignored) {
                    // replaced or unloaded meanwhile: the next request creates what it needs
                }
            }
        });
    }

    /**
     * The copy serving tensor model {@code name} at {@code version} (0 = highest READY), resolved
     * once for the API to validate and decode the request against its spec: INVALID_ARGUMENT for no
     * name, NOT_FOUND / UNAVAILABLE when no copy serves it (with load-on-demand the future follows
     * the load), FAILED_PRECONDITION for a GENERATIVE model (served by Generate).
     */
    public CompletableFuture<ServedCopy> tensorModel(String name, long version) {
        if (name.isEmpty()) {
            throw new InvalidInputException("model_name", "is required");
        }
        CompletableFuture<ServedCopy> copy = lifecycle.resolveAsync(name, version);
        if (copy.isDone() && !copy.isCompletedExceptionally()) {
            tensor(copy.join(), name);
            return copy;
        }
        return copy.thenApply(c -> tensor(c, name));
    }

    /**
     * {@code then} applied to the copy {@link #tensorModel} resolves: at once on the calling thread
     * when the copy is serving (no future in between on the request path), else once a load on
     * demand completes. When that copy began closing before {@code then} submitted to it (a swap to
     * a new version), {@code then} runs again on the copy now serving {@code name} at
     * {@code version}, so the request is validated against that copy's spec.
     */
    public <T> CompletableFuture<T> onTensorModel(
            String name, long version, java.util.function.Function<ServedCopy, CompletableFuture<T>> then) {
        return onTensorModel(name, version, then, 0);
    }

    private <T> CompletableFuture<T> onTensorModel(
            String name,
            long version,
            java.util.function.Function<ServedCopy, CompletableFuture<T>> then,
            int attempt) {
        CompletableFuture<ServedCopy> copy = tensorModel(name, version);
        java.util.function.Function<ServedCopy, CompletableFuture<T>> apply = c -> {
            try {
                return then.apply(c);
            } catch (ServedCopy.VersionClosingException e) {
                if (attempt >= RESOLVE_RETRIES) {
                    throw e;
                }
                return onTensorModel(name, version, then, attempt + 1);
            }
        };
        return copy.isDone() && !copy.isCompletedExceptionally() ? apply.apply(copy.join()) : copy.thenCompose(apply);
    }

    private static ServedCopy tensor(ServedCopy copy, String name) {
        if (copy.spec().kind() == ServingKind.GENERATIVE) {
            throw new LlmaosException(
                    ErrorCode.FAILED_PRECONDITION, "model '" + name + "' is GENERATIVE: use InferenceService.Generate");
        }
        return copy;
    }

    /**
     * Admits {@code request}, validated against {@code copy}, into that copy's scheduler:
     * INVALID_ARGUMENT for a priority the model does not have, RESOURCE_EXHAUSTED when its tenant's
     * quota or its level's queue is full (the future fails at once). The future completes with the
     * result, or with DEADLINE_EXCEEDED / CANCELLED when the request leaves the queue unserved. A
     * copy that closed meanwhile hands over to the copy replacing it when that has the same spec.
     */
    public CompletableFuture<InferenceResult> submit(ServedCopy copy, InferenceRequest request) {
        for (int attempt = 0; ; attempt++) {
            try {
                return ((BatchingScheduler) schedulerFor(copy)).submit(request);
            } catch (ServedCopy.VersionClosingException e) {
                copy = replacement(copy, e, attempt);
            }
        }
    }

    /** The copy now serving what {@code closed} served, when its spec is the same; else {@code why}. */
    private ServedCopy replacement(ServedCopy closed, ServedCopy.VersionClosingException why, int attempt) {
        if (attempt >= RESOLVE_RETRIES) {
            throw why;
        }
        ServedCopy next =
                registry.resolve(closed.spec().ref().name(), closed.spec().ref().version());
        if (!next.spec().equals(closed.spec())) {
            throw why;
        }
        return next;
    }

    /**
     * Starts generating for {@code request}: resolves its model (NOT_FOUND, UNAVAILABLE, and
     * FAILED_PRECONDITION for a model that is not GENERATIVE), tokenizes a text prompt off the
     * caller's thread, plans and admits its sequence and queues it by priority; {@code listener}
     * hears of its tokens and its end, or of the error that kept it from running. Only a request
     * without a model name is refused by an exception.
     */
    public void generate(GenerationRequest request, GenerationListener listener) {
        if (request.model().isEmpty()) {
            throw new InvalidInputException("model_name", "is required");
        }
        lifecycle.resolveAsync(request.model(), request.version()).whenComplete((copy, error) -> {
            try {
                if (error != null) {
                    throw error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                }
                if (copy.spec().kind() != ServingKind.GENERATIVE) {
                    throw new LlmaosException(
                            ErrorCode.FAILED_PRECONDITION,
                            "model '" + request.model() + "' is " + copy.spec().kind()
                                    + ", not GENERATIVE: use InferenceService.Infer");
                }
                if (request.promptText() == null) {
                    submitSequence(copy, request, listener);
                } else {
                    prompts.run(request, listener, () -> submitSequence(copy, request, listener));
                }
            } catch (LlmaosException e) {
                listener.onError(e);
            } catch (Throwable e) {
                listener.onError(new LlmaosException(ErrorCode.INTERNAL, "the sequence could not start", e));
            }
        });
    }

    /** Queues the sequence on {@code copy}, or on its replacement when it closed meanwhile. */
    private void submitSequence(ServedCopy copy, GenerationRequest request, GenerationListener listener) {
        for (int attempt = 0; ; attempt++) {
            try {
                ((ContinuousBatchingScheduler) schedulerFor(copy)).submit(request, listener);
                return;
            } catch (ServedCopy.VersionClosingException e) {
                copy = replacement(copy, e, attempt);
            }
        }
    }

    /** Who hears of requests, batches and tokens as they happen, from now on (copies made from now). */
    public void observeWith(SchedulerObserver value) {
        this.observer = value;
    }

    /** Statistics of every scheduled model copy, or those of the named models. */
    public SchedulerReport stats(List<String> names) {
        return new SchedulerReport(
                clock.now(),
                schedulers.values().stream()
                        .filter(s -> names.isEmpty() || names.contains(s.ref().name()))
                        .sorted(Comparator.comparing(s -> s.ref().toString()))
                        .map(StatsReport::of)
                        .toList());
    }

    /**
     * Triton's statistics of the scheduled copies of {@code name} (every model when empty) at
     * {@code version} (0 = every version), ordered by name and version.
     */
    public List<CopyStatistics> executionStats(String name, long version) {
        return schedulers.values().stream()
                .filter(s -> name.isEmpty() || s.ref().name().equals(name))
                .filter(s -> version == 0 || s.ref().version() == version)
                .map(s -> new CopyStatistics(
                        s.ref(),
                        s.version().reservedBytes(),
                        s.stats().execution.snapshot(),
                        s.stats().clampedPriorities.sum(),
                        s.stats().cachedTokens.getAsLong(),
                        s.stats().preemptions.sum()))
                .sorted(Comparator.comparing((CopyStatistics c) -> c.ref().name())
                        .thenComparingLong(c -> c.ref().version()))
                .toList();
    }

    /** Every scheduled model copy: what it holds and its demand now. */
    public List<ModelUsage> usage() {
        List<ModelUsage> all = new ArrayList<>();
        for (VersionScheduler s : schedulers.values()) {
            SchedulerSnapshot snap = s.snapshot();
            ServedCopy v = s.version();
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

    /** The server-wide default policy as it was set (the contract's message is its configuration schema). */
    public SchedulingPolicy defaultPolicy() {
        return policies.serverDefault();
    }

    /** The rules in force for {@code model}: its configuration with any policy set for it laid over. */
    public ModelPolicy policy(String model) {
        return policies.forModel(model, registry.resolve(model, 0).config());
    }

    /**
     * Validates, stores and applies {@code policy} live: the server-wide default when it names no
     * model (then null is returned), else that model's (the rules now in force are returned).
     */
    public ModelPolicy setPolicy(SchedulingPolicy policy) {
        String model = policy.getModelName();
        if (model.isEmpty()) {
            policies.set(policy, null);
            schedulers
                    .values()
                    .forEach(s -> s.apply(
                            policies.forModel(s.ref().name(), s.version().config())));
            return null;
        }
        policies.set(policy, registry.resolve(model, 0).config());
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
    private VersionScheduler schedulerFor(ServedCopy version) {
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

    private VersionScheduler make(ServedCopy v) {
        ModelPolicy policy = policies.forModel(v.spec().ref().name(), v.config());
        String name = "llmaos-" + v.spec().ref().name() + "-" + v.spec().ref().version();
        VersionScheduler s = v.spec().kind() == ServingKind.GENERATIVE
                ? new ContinuousBatchingScheduler(v, policy, clock, daemon(name + "-decode"))
                : new BatchingScheduler(v, policy, clock, daemon(name + "-worker"), grower, ticker::wake);
        s.stats().observer = observer.forCopy(v.spec().ref());
        return s;
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
