package io.llmaos.server.scheduler;

import io.llmaos.server.core.CapacityExceededException;
import io.llmaos.server.core.Clock;
import io.llmaos.server.core.ErrorCode;
import io.llmaos.server.core.FinishReason;
import io.llmaos.server.core.GenerationListener;
import io.llmaos.server.core.GenerationRequest;
import io.llmaos.server.core.InvalidInputException;
import io.llmaos.server.core.LlmaosException;
import io.llmaos.server.core.ModelRef;
import io.llmaos.server.core.SamplingParams;
import io.llmaos.server.model.engine.GenerationSpec;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.TokenCodec;
import io.llmaos.server.model.lifecycle.LoadedVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler of one loaded copy of a GENERATIVE model: sequences wait in the model's priority
 * queue and are admitted, by priority, into the continuous batch of one of its instances while the
 * budget (active sequences, cached tokens) allows; each instance's {@link DecodeLoop} steps all of
 * its sequences together. When the budget is full and the model allows it, a waiting sequence
 * preempts a running one of lower priority, which goes back to the queue and is recomputed later.
 */
final class GenerationScheduler {
    private final LoadedVersion version;
    private final GenerationSpec spec;
    private final Clock clock;
    private final TokenCodec tokenizer;
    private final ModelStats stats = new ModelStats();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final PriorityRequestQueue<PendingSequence> queue;
    private final AtomicLong ids = new AtomicLong();
    private final List<DecodeLoop> loops = new ArrayList<>();
    private volatile ModelPolicy policy;
    private boolean closing;

    GenerationScheduler(LoadedVersion version, ModelPolicy policy, Clock clock, ThreadFactory threads) {
        this.version = version;
        this.spec = version.spec().generation();
        this.clock = clock;
        this.policy = policy;
        this.queue = new PriorityRequestQueue<>(
                policy.levels(), policy.aging(), t -> this.policy.tenant(t).weight(), clock);
        TokenCodec codec = null;
        for (ModelInstance instance = version.takeInstance(); instance != null; instance = version.takeInstance()) {
            if (!(instance instanceof GenerativeInstance generative)) {
                version.returnInstance(instance);
                throw new LlmaosException(ErrorCode.INTERNAL, ref() + " has no generative instance");
            }
            codec = codec == null ? generative.tokenizer() : codec;
            DecodeLoop loop = new DecodeLoop(this, generative);
            loops.add(loop);
            threads.newThread(loop).start();
        }
        this.tokenizer = codec;
        version.onClosing(this::close);
    }

    ModelRef ref() {
        return version.spec().ref();
    }

    LoadedVersion version() {
        return version;
    }

    GenerationSpec spec() {
        return spec;
    }

    Clock clock() {
        return clock;
    }

    ModelStats stats() {
        return stats;
    }

    ModelPolicy policy() {
        return policy;
    }

    void apply(ModelPolicy next) {
        lock.lock();
        try {
            policy = next;
            queue.configure(next.levels(), next.aging(), t -> policy.tenant(t).weight());
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Validates {@code request} and queues its sequence; the listener hears of its tokens, or of
     * the error that kept it from running (a full queue answers at once).
     */
    void submit(GenerationRequest request, GenerationListener listener) {
        long[] prompt = prompt(request);
        SamplingParams s = request.sampling();
        int maxNew = s.maxNewTokens() != null ? s.maxNewTokens() : spec.defaultMaxNewTokens();
        if (maxNew < 1) {
            throw new InvalidInputException("sampling.max_new_tokens", "must be at least 1");
        }
        float temperature = s.temperature() != null ? s.temperature() : spec.defaultTemperature();
        int topK = s.topK() != null ? s.topK() : spec.defaultTopK();
        float topP = s.topP() != null ? s.topP() : spec.defaultTopP();
        if (!(temperature >= 0 && temperature <= Float.MAX_VALUE)) {
            throw new InvalidInputException("sampling.temperature", "must be a finite number, 0 (greedy) or more");
        }
        if (topK < 0) {
            throw new InvalidInputException("sampling.top_k", "must be 0 (no limit) or more");
        }
        if (!(topP >= 0 && topP <= 1)) {
            throw new InvalidInputException("sampling.top_p", "must be within [0, 1]");
        }
        ModelPolicy p = policy;
        int level = request.priority() == 0 ? p.defaultPriority() : request.priority();
        if (level < 1 || level > p.levels().size()) {
            throw new InvalidInputException(
                    "priority",
                    "model '" + request.model() + "' has priority levels 1.."
                            + p.levels().size() + " (1 = highest, 0 = its default " + p.defaultPriority() + ")");
        }
        long seed = s.seed() != null ? s.seed() : System.nanoTime() ^ ids.get() * 0x9E3779B97F4A7C15L;
        long now = clock.nanoTime();
        long deadline = p.levels().get(level - 1).deadline(request.deadlineNanos(), request.timeout(), now);
        PendingSequence seq = new PendingSequence(
                ids.incrementAndGet(),
                request,
                prompt,
                level,
                Math.min(maxNew, spec.maxContext() - prompt.length),
                s.ignoreEos(),
                new Sampler(temperature, topK, topP, seed),
                new TextDeltas(tokenizer, s.stopSequences()),
                now,
                deadline,
                listener,
                version::release);
        if (seq.reservation() > spec.maxCachedTokens()) {
            throw new InvalidInputException(
                    "sampling.max_new_tokens",
                    "the prompt (" + prompt.length
                            + " tokens) and max_new_tokens need " + seq.reservation() + " cached tokens; " + ref()
                            + " caches at most " + spec.maxCachedTokens());
        }
        // from here the sequence holds an admission: every way out gives it back exactly once
        version.admit();
        lock.lock();
        try {
            if (closing) {
                throw new LoadedVersion.VersionClosingException(ref() + " is unloading");
            }
            queue.offer(seq, () -> Duration.ofMillis(100));
            work.signalAll();
        } catch (CapacityExceededException e) {
            stats.rejected(level, request.tenant(), ModelStats.Rejection.QUEUE_FULL);
            seq.fail(e);
            return;
        } catch (RuntimeException | Error e) {
            seq.abandon();
            throw e;
        } finally {
            lock.unlock();
        }
        request.cancellation().onCancel(() -> cancel(seq));
    }

    /** The caller went away: a waiting sequence leaves now, a running one at its next step. */
    private void cancel(PendingSequence seq) {
        seq.cancel();
        boolean removed;
        lock.lock();
        try {
            removed = queue.remove(seq);
        } finally {
            lock.unlock();
        }
        if (removed) {
            dropped(seq);
        }
    }

    /** Answers a sequence that leaves the queue without running. */
    private void dropped(PendingSequence seq) {
        long now = clock.nanoTime();
        if (seq.started) {
            // a preempted sequence waiting to be recomputed: it already streamed tokens
            seq.finish(now >= seq.deadline ? FinishReason.DEADLINE : FinishReason.CANCELLED, now);
            return;
        }
        boolean late = now >= seq.deadline;
        LlmaosException why = late
                ? LlmaosException.expected(
                        ErrorCode.DEADLINE_EXCEEDED,
                        "the sequence waited " + (now - seq.enqueued) / 1_000_000 + " ms to be admitted by " + ref()
                                + " and timed out")
                : LlmaosException.expected(ErrorCode.CANCELLED, "the sequence was cancelled while waiting");
        if (seq.fail(why)) {
            stats.rejected(
                    seq.level, seq.tenant(), late ? ModelStats.Rejection.TIMED_OUT : ModelStats.Rejection.CANCELLED);
        }
    }

    /**
     * Sequences a loop may admit now: by priority while its budget allows, preempting a lower
     * priority when the model allows. Waits while the loop has nothing at all to do; returns null
     * when the loop should stop.
     */
    List<PendingSequence> admit(DecodeLoop loop) throws InterruptedException {
        List<PendingSequence> dropped = new ArrayList<>();
        List<PendingSequence> admitted = new ArrayList<>();
        lock.lock();
        try {
            while (true) {
                queue.expire(dropped::add);
                if (closing && queue.size() == 0 && loop.idle()) {
                    return null;
                }
                while (queue.size() > 0) {
                    PendingSequence next = queue.poll(s -> loop.fits(s, admitted), dropped::add);
                    if (next == null) {
                        break;
                    }
                    admitted.add(next);
                }
                if (spec.preemptLowest() && queue.size() > 0) {
                    loop.preemptFor(queue, admitted);
                }
                if (!admitted.isEmpty() || !loop.idle() || !dropped.isEmpty()) {
                    break;
                }
                // nothing to run: block until signalled, or until a waiting sequence's time runs out
                long expiry = queue.nextExpiryNanos();
                if (expiry == Long.MAX_VALUE) {
                    work.await();
                } else {
                    work.awaitNanos(Math.max(1, expiry - clock.nanoTime()));
                }
            }
        } finally {
            lock.unlock();
        }
        dropped.forEach(this::dropped);
        return admitted;
    }

    /** Puts preempted sequences back in the queue, ahead of newer ones of their level. */
    void requeue(List<PendingSequence> preempted) {
        lock.lock();
        try {
            for (PendingSequence s : preempted) {
                queue.offer(s, () -> Duration.ofMillis(100));
            }
        } catch (CapacityExceededException e) {
            preempted.forEach(s -> s.finish(FinishReason.LENGTH, clock.nanoTime()));
        } finally {
            lock.unlock();
        }
    }

    /** Stops admitting; loops finish their sequences and the queue, then exit. */
    void close() {
        lock.lock();
        try {
            closing = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queued sequences per level (index 1..N) and active sequences of all loops. */
    ModelScheduler.Snapshot snapshot() {
        lock.lock();
        try {
            int levels = queue.levelCount();
            int[] depth = new int[levels + 1];
            int[] inFlight = new int[levels + 1];
            for (int l = 1; l <= levels; l++) {
                depth[l] = queue.size(l);
            }
            int busy = 0;
            for (DecodeLoop loop : loops) {
                int[] active = loop.activeByLevel(levels);
                for (int l = 1; l <= levels; l++) {
                    inFlight[l] += active[l];
                }
                busy += loop.idle() ? 0 : 1;
            }
            return new ModelScheduler.Snapshot(depth, inFlight, loops.size(), busy);
        } finally {
            lock.unlock();
        }
    }

    /** Tenants with sequences waiting or running now. */
    java.util.Set<String> liveTenants() {
        lock.lock();
        try {
            java.util.Set<String> live = new java.util.TreeSet<>(queue.tenants());
            loops.forEach(l -> live.addAll(l.activeTenants()));
            return live;
        } finally {
            lock.unlock();
        }
    }

    /** Sequences of {@code tenant} running in the decode loops. */
    int inFlightOf(String tenant) {
        lock.lock();
        try {
            return loops.stream().mapToInt(l -> l.activeOf(tenant)).sum();
        } finally {
            lock.unlock();
        }
    }

    int queuedOf(String tenant) {
        lock.lock();
        try {
            return queue.sizeOf(tenant);
        } finally {
            lock.unlock();
        }
    }

    private long[] prompt(GenerationRequest request) {
        long[] prompt;
        if (request.promptText() != null) {
            prompt = tokenizer.encode(request.promptText());
            if (prompt.length == 0) {
                throw new InvalidInputException("text", "is empty: give a prompt of at least one token");
            }
        } else {
            prompt = request.promptIds();
            if (prompt.length == 0) {
                throw new InvalidInputException("token_ids", "is empty: give a prompt of at least one token");
            }
            for (int i = 0; i < prompt.length; i++) {
                if (prompt[i] < 0 || prompt[i] >= spec.vocabSize()) {
                    throw new InvalidInputException(
                            "token_ids.ids[" + i + "]",
                            "is " + prompt[i] + ": token ids of " + ref() + " are 0.." + (spec.vocabSize() - 1));
                }
            }
        }
        if (prompt.length >= spec.maxContext()) {
            throw new InvalidInputException(
                    request.promptText() != null ? "text" : "token_ids",
                    "is " + prompt.length
                            + " tokens: " + ref() + " holds at most " + spec.maxContext()
                            + " tokens, prompt and generated together");
        }
        return prompt;
    }
}
