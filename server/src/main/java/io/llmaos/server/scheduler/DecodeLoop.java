package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.FinishReason;
import io.llmaos.server.core.request.GeneratedToken;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.generation.Sampler;
import io.llmaos.server.model.engine.DecodeBatch;
import io.llmaos.server.model.engine.GenerationSpec;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.lifecycle.ServedCopy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Iteration-level scheduling on one instance: each pass admits waiting sequences (prefilled
 * together), then runs one decode step for every active sequence, samples and streams each new
 * token, and drops the sequences that ended (EOS, stop sequence, length, cancelled, deadline) at
 * once, freeing their cache.
 */
final class DecodeLoop implements Runnable {
    private final SequenceSource source;
    private final GenerativeInstance instance;
    private final ServedCopy copy;
    private final GenerationSpec spec;
    private final Clock clock;
    private final ModelStats stats;
    /** Active sequences; read under the scheduler's lock for admission and statistics. */
    private final List<PendingSequence> active = new ArrayList<>();
    /** Tokens the active sequences may cache once done: the one count of the loop's cache budget. */
    private volatile long reserved;

    DecodeLoop(SequenceSource source, GenerativeInstance instance, ServedCopy copy, Clock clock, ModelStats stats) {
        this.source = source;
        this.instance = instance;
        this.copy = copy;
        this.spec = copy.spec().generation();
        this.clock = clock;
        this.stats = stats;
    }

    @Override
    public void run() {
        try (DecodeBatch batch = instance.newBatch()) {
            while (true) {
                List<PendingSequence> admitted = source.admit(this);
                if (admitted == null) {
                    return;
                }
                try {
                    pass(batch, admitted);
                } catch (LlmaosException | IllegalArgumentException | IllegalStateException e) {
                    failAll(batch, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DecodeLoop.class)
                    .error("decode loop of {} failed", copy.spec().ref(), e);
            failAll(null, e);
        } finally {
            copy.returnInstance(instance);
        }
    }

    /** Whether this loop has no sequences. */
    boolean idle() {
        synchronized (active) {
            return active.isEmpty();
        }
    }

    /** Whether {@code s} fits the budget next to the active sequences and those admitted with it. */
    boolean fits(PendingSequence s, List<PendingSequence> admitted) {
        int count = admitted.size();
        long tokens = s.reservation();
        for (PendingSequence a : admitted) {
            tokens += a.reservation();
        }
        synchronized (active) {
            count += active.size();
            tokens += reserved;
        }
        return count < spec.maxActiveSequences() && tokens <= spec.maxCachedTokens();
    }

    /** The cache tokens the active sequences have reserved. */
    long reservedTokens() {
        synchronized (active) {
            return reserved;
        }
    }

    /**
     * Frees room for the best waiting sequence that preempting active ones of strictly lower
     * priority (the lowest first) would make fit; the victims are recomputed from their prompt and
     * tokens when re-admitted. A waiting sequence no preemption can help stays where it is.
     */
    void preemptFor(PriorityRequestQueue<PendingSequence> queue, List<PendingSequence> admitted) {
        PendingSequence best = queue.poll(s -> fitsAfterPreempting(s, admitted), x -> {});
        if (best == null) {
            return;
        }
        synchronized (active) {
            List<PendingSequence> lower = active.stream()
                    .filter(a -> a.level > best.level)
                    .sorted(Comparator.comparingInt((PendingSequence a) -> a.level)
                            .reversed())
                    .toList();
            for (PendingSequence victim : lower) {
                if (fits(best, admitted)) {
                    break;
                }
                active.remove(victim);
                reserved -= victim.reservation();
                preempted.add(victim);
                stats.preemptions.increment();
            }
        }
        admitted.add(best);
    }

    /** Whether {@code s} would fit once every active sequence of lower priority were preempted. */
    private boolean fitsAfterPreempting(PendingSequence s, List<PendingSequence> admitted) {
        int count = admitted.size() + 1;
        long tokens = s.reservation();
        for (PendingSequence a : admitted) {
            tokens += a.reservation();
        }
        boolean anyLower = false;
        synchronized (active) {
            for (PendingSequence a : active) {
                if (a.level > s.level) {
                    anyLower = true;
                } else {
                    count++;
                    tokens += a.reservation();
                }
            }
        }
        return anyLower && count <= spec.maxActiveSequences() && tokens <= spec.maxCachedTokens();
    }

    /** Sequences preempted under the scheduler's lock, taken out of the batch at the next pass. */
    private final List<PendingSequence> preempted = new ArrayList<>();

    /** Tenants of the active sequences. */
    java.util.Set<String> activeTenants() {
        synchronized (active) {
            return active.stream().map(PendingSequence::tenant).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** Active sequences of {@code tenant}. */
    int activeOf(String tenant) {
        synchronized (active) {
            return (int) active.stream().filter(s -> s.tenant().equals(tenant)).count();
        }
    }

    /** Active sequences per level (index 1..levels). */
    int[] activeByLevel(int levels) {
        int[] byLevel = new int[levels + 1];
        synchronized (active) {
            for (PendingSequence s : active) {
                byLevel[Math.min(s.level, levels)]++;
            }
        }
        return byLevel;
    }

    private void pass(DecodeBatch batch, List<PendingSequence> admitted) {
        long now = clock.nanoTime();
        if (!preempted.isEmpty()) {
            List<PendingSequence> out = new ArrayList<>(preempted);
            preempted.clear();
            batch.remove(out.stream().mapToLong(s -> s.id).toArray());
            out.forEach(s -> s.enqueued = now);
            source.requeue(out);
        }
        if (!admitted.isEmpty()) {
            prefill(batch, admitted, now);
        }
        List<PendingSequence> running;
        synchronized (active) {
            running = new ArrayList<>(active);
        }
        running.removeIf(s -> endIfGone(batch, s));
        if (running.isEmpty()) {
            return;
        }
        long[] ids = new long[running.size()];
        long[] last = new long[running.size()];
        for (int i = 0; i < ids.length; i++) {
            PendingSequence s = running.get(i);
            ids[i] = s.id;
            last[i] = s.generated.get(s.generated.size() - 1);
        }
        long t0 = clock.nanoTime();
        float[][] logits = batch.step(ids, last);
        long t1 = clock.nanoTime();
        stats.batch(running.size(), 0, t1 - t0, 0);
        for (int i = 0; i < ids.length; i++) {
            running.get(i).stepped(t0, t1);
            next(batch, running.get(i), logits[i], t1);
        }
    }

    private void prefill(DecodeBatch batch, List<PendingSequence> admitted, long now) {
        long[] ids = new long[admitted.size()];
        long[][] prompts = new long[admitted.size()][];
        for (int i = 0; i < ids.length; i++) {
            PendingSequence s = admitted.get(i);
            ids[i] = s.id;
            prompts[i] = s.context();
            s.start(copy.spec().ref().version(), now);
        }
        synchronized (active) {
            active.addAll(admitted);
            admitted.forEach(s -> reserved += s.reservation());
        }
        float[][] logits = batch.prefill(ids, prompts);
        long t1 = clock.nanoTime();
        for (int i = 0; i < ids.length; i++) {
            PendingSequence s = admitted.get(i);
            stats.queued(s.queueNanos);
            if (s.request.trace().recording()) {
                s.request.trace().admitted(s.enqueued, now, s.level);
                s.request.trace().prefilled(now, t1, prompts[i].length, ids.length);
            }
            next(batch, s, logits[i], t1);
        }
    }

    /** Samples the next token of {@code s}, streams it, and ends the sequence when it is done. */
    private void next(DecodeBatch batch, PendingSequence s, float[] logits, long now) {
        if (endIfGone(batch, s)) {
            return;
        }
        Sampler.Pick pick = s.sampler.pick(logits);
        int index = s.generated.size();
        s.generated.add(pick.token());
        if (!s.ignoreEos && spec.eosTokenIds().contains(pick.token())) {
            emit(s, token(s, pick, s.text.flush(), index), now);
            end(batch, s, FinishReason.EOS, now);
            return;
        }
        String delta = s.text.add(pick.token());
        if (s.text.stopped()) {
            emit(s, token(s, pick, delta, index), now);
            end(batch, s, FinishReason.STOP, now);
            return;
        }
        boolean full =
                s.generated.size() >= s.maxNewTokens || s.prompt.length + s.generated.size() >= spec.maxContext();
        if (full) {
            delta += s.text.flush();
        }
        emit(s, token(s, pick, delta, index), now);
        if (full) {
            end(batch, s, FinishReason.LENGTH, now);
        }
    }

    /** The token {@code pick} made, with the alternatives it names (each token's text alone). */
    private static GeneratedToken token(PendingSequence s, Sampler.Pick pick, String text, int index) {
        if (pick.topTokens().length == 0) {
            return new GeneratedToken(pick.token(), text, index, pick.logprob());
        }
        List<GeneratedToken.Alternative> top = new ArrayList<>(pick.topTokens().length);
        for (int i = 0; i < pick.topTokens().length; i++) {
            top.add(new GeneratedToken.Alternative(
                    pick.topTokens()[i], s.text.alone(pick.topTokens()[i]), pick.topLogprobs()[i]));
        }
        return new GeneratedToken(pick.token(), text, index, pick.logprob(), top);
    }

    private void emit(PendingSequence s, GeneratedToken token, long now) {
        long gap = s.emit(token, now);
        if (gap < 0) {
            stats.observer.firstToken(now - s.request.receivedNanos());
        } else {
            stats.observer.nextToken(gap);
        }
    }

    /** Ends {@code s} when its caller cancelled or its deadline passed; true when it did. */
    private boolean endIfGone(DecodeBatch batch, PendingSequence s) {
        long now = clock.nanoTime();
        if (s.cancelled()) {
            end(batch, s, FinishReason.CANCELLED, now);
            return true;
        }
        if (now >= s.request.deadlineNanos()) {
            end(batch, s, FinishReason.DEADLINE, now);
            return true;
        }
        return false;
    }

    private void end(DecodeBatch batch, PendingSequence s, FinishReason reason, long now) {
        synchronized (active) {
            if (active.remove(s)) {
                reserved -= s.reservation();
            }
        }
        batch.remove(new long[] {s.id});
        s.traceDecode(now);
        if (s.finish(reason, now)) {
            stats.completed(s.level, s.tenant());
            stats.execution.succeeded(
                    1, now - s.request.receivedNanos(), clock.now().toEpochMilli());
            stats.observer.sequenceEnded(s.generated.size(), now - s.request.receivedNanos());
        }
    }

    private void failAll(DecodeBatch batch, RuntimeException e) {
        List<PendingSequence> all;
        synchronized (active) {
            all = new ArrayList<>(active);
            active.clear();
            reserved = 0;
        }
        LlmaosException error = e instanceof LlmaosException known
                ? known
                : new LlmaosException(
                        ErrorCode.ENGINE_FAILURE, copy.spec().ref() + " failed to generate: " + e.getMessage(), e);
        if (batch != null) {
            try {
                batch.remove(all.stream().mapToLong(s -> s.id).toArray());
            } catch (RuntimeException ignored) {
                // the batch is already broken; its memory is freed when it closes
            }
        }
        long now = clock.nanoTime();
        all.forEach(s -> {
            if (s.fail(error)) {
                stats.execution.failed(now - s.request.receivedNanos());
            }
        });
    }
}
