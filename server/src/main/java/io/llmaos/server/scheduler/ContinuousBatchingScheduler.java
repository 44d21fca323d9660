package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.FinishReason;
import io.llmaos.server.core.request.GenerationListener;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.generation.SequencePlan;
import io.llmaos.server.model.engine.GenerationSpec;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.lifecycle.ServedCopy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler of one served copy of a GENERATIVE model: sequences enter through the same
 * {@link Admission} as tensor requests, wait in the priority queue and are admitted, by priority,
 * into the continuous batch of one of its instances while the budget (active sequences, cached
 * tokens) allows; each instance's {@link DecodeLoop} steps all of its sequences together. When the
 * budget is full and the model allows it, a waiting sequence preempts a running one of lower
 * priority, which goes back to the queue and is recomputed later.
 */
final class ContinuousBatchingScheduler extends QueueingScheduler<PendingSequence> implements SequenceSource {
    private final GenerationSpec spec;
    private final AtomicLong ids = new AtomicLong();
    private final List<DecodeLoop> loops = new ArrayList<>();

    ContinuousBatchingScheduler(ServedCopy version, ModelPolicy policy, Clock clock, ThreadFactory threads) {
        super(version, policy, clock);
        this.spec = version.spec().generation();
        for (ModelInstance instance = version.takeInstance(); instance != null; instance = version.takeInstance()) {
            if (!(instance instanceof GenerativeInstance generative)) {
                version.returnInstance(instance);
                throw new LlmaosException(ErrorCode.INTERNAL, ref() + " has no generative instance");
            }
            DecodeLoop loop = new DecodeLoop(this, generative, version, clock, stats);
            loops.add(loop);
            threads.newThread(loop).start();
        }
        List<DecodeLoop> all = List.copyOf(loops);
        stats.cachedTokens =
                () -> all.stream().mapToLong(DecodeLoop::reservedTokens).sum();
        version.onClosing(this::close);
    }

    /**
     * Plans and admits {@code request}'s sequence and queues it; the listener hears of its tokens.
     * Throws what planning (INVALID_ARGUMENT) and admission throw, and
     * {@link ServedCopy.VersionClosingException} (having taken nothing) when this copy closed
     * meanwhile; a full queue answers the listener at once.
     */
    void submit(GenerationRequest request, GenerationListener listener) {
        long seed = System.nanoTime() ^ ids.get() * 0x9E3779B97F4A7C15L;
        SequencePlan plan = SequencePlan.of(request, ref(), spec, version.tokenizer(), seed);
        Admission.Ticket ticket = admission.admit(
                request.model(),
                request.priority(),
                request.clampPriority(),
                request.tenant(),
                request.deadlineNanos(),
                request.timeout());
        PendingSequence seq = new PendingSequence(ids.incrementAndGet(), request, plan, ticket, listener);
        lock.lock();
        try {
            if (closing) {
                throw new ServedCopy.VersionClosingException(ref() + " is unloading");
            }
            queue.offer(seq, () -> admission.retryHint(queue.size(), loops.size()));
            work.signalAll();
        } catch (CapacityExceededException e) {
            stats.rejected(seq.level, request.tenant(), ModelStats.Rejection.QUEUE_FULL);
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
        LlmaosException why = unserved(seq, now, "to be admitted by");
        if (seq.fail(why)) {
            stats.rejected(seq.level, seq.tenant(), rejection(why), now - seq.request.receivedNanos());
        }
    }

    @Override
    public List<PendingSequence> admit(DecodeLoop loop) throws InterruptedException {
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

    @Override
    public void requeue(List<PendingSequence> preempted) {
        lock.lock();
        try {
            for (PendingSequence s : preempted) {
                queue.offer(s, () -> admission.retryHint(queue.size(), loops.size()));
            }
        } catch (CapacityExceededException e) {
            preempted.forEach(s -> s.finish(FinishReason.LENGTH, clock.nanoTime()));
        } finally {
            lock.unlock();
        }
    }

    /** The decode loops watch their own deadlines; nothing waits on the dispatcher's ticker. */
    @Override
    public boolean tick() {
        return false;
    }

    @Override
    public boolean hasQueued() {
        return false;
    }

    @Override
    public SchedulerSnapshot snapshot() {
        lock.lock();
        try {
            int[] depth = depthByLevel();
            int levels = depth.length - 1;
            int[] inFlight = new int[depth.length];
            int busy = 0;
            for (DecodeLoop loop : loops) {
                int[] active = loop.activeByLevel(levels);
                for (int l = 1; l <= levels; l++) {
                    inFlight[l] += active[l];
                }
                busy += loop.idle() ? 0 : 1;
            }
            return new SchedulerSnapshot(depth, inFlight, loops.size(), busy, loops.size(), loops.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<String> liveTenants() {
        lock.lock();
        try {
            Set<String> live = new TreeSet<>(queue.tenants());
            loops.forEach(l -> live.addAll(l.activeTenants()));
            return live;
        } finally {
            lock.unlock();
        }
    }
}
