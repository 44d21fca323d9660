package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.FinishReason;
import io.llmaos.server.core.request.GeneratedToken;
import io.llmaos.server.core.request.GenerationListener;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.request.GenerationUsage;
import io.llmaos.server.generation.Sampler;
import io.llmaos.server.generation.SequencePlan;
import io.llmaos.server.generation.TextDeltas;
import java.util.ArrayList;
import java.util.List;

/**
 * One sequence of a Generate call, from its wait in the queue to its last token: its prompt and
 * the tokens made so far (a preempted sequence is recomputed from both), its sampler, its text
 * deltas, and the listener told of each token. Ends exactly once.
 */
final class PendingSequence extends AdmittedEntry {
    final long id;
    final GenerationRequest request;
    final long[] prompt;
    final int maxNewTokens;
    final boolean ignoreEos;
    final Sampler sampler;
    final TextDeltas text;
    final List<Long> generated = new ArrayList<>();
    private final GenerationListener listener;
    private volatile boolean cancelled;
    long firstTokenAt;
    long lastTokenAt;
    long queueNanos;
    boolean started;
    /** Decode steps this sequence took part in, their time in the engine, and when the first began. */
    int steps;

    long stepNanos;
    long firstStepAt;

    PendingSequence(
            long id,
            GenerationRequest request,
            SequencePlan plan,
            Admission.Ticket ticket,
            GenerationListener listener) {
        super(request.tenant(), ticket);
        this.id = id;
        this.request = request;
        this.prompt = plan.prompt();
        this.maxNewTokens = plan.maxNewTokens();
        this.ignoreEos = plan.ignoreEos();
        this.sampler = plan.sampler();
        this.text = plan.text();
        this.listener = listener;
    }

    @Override
    public boolean isDone() {
        return ended() || cancelled;
    }

    /** Marks the caller gone: the decode loop ends the sequence at its next step boundary. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled || request.cancellation().isCancelled();
    }

    /** The prompt and the tokens made so far: what a preempted sequence is recomputed from. */
    long[] context() {
        long[] all = java.util.Arrays.copyOf(prompt, prompt.length + generated.size());
        for (int i = 0; i < generated.size(); i++) {
            all[prompt.length + i] = generated.get(i);
        }
        return all;
    }

    /** Tokens cached once the sequence is done at the latest: what admission reserves for it. */
    long reservation() {
        return prompt.length + (long) maxNewTokens;
    }

    void start(long modelVersion, long now) {
        if (!started) {
            started = true;
            queueNanos = now - request.receivedNanos();
            listener.onStart(prompt, modelVersion);
        }
    }

    /** Hands {@code token} to the listener; the time since the previous token, or -1 for the first. */
    long emit(GeneratedToken token, long now) {
        long gap = firstTokenAt == 0 ? -1 : now - lastTokenAt;
        if (firstTokenAt == 0) {
            firstTokenAt = now;
        }
        lastTokenAt = now;
        listener.onTokens(List.of(token));
        return gap;
    }

    boolean finish(FinishReason reason, long now) {
        if (!end()) {
            return false;
        }
        long received = request.receivedNanos();
        listener.onFinish(
                reason,
                new GenerationUsage(
                        prompt.length,
                        generated.size(),
                        firstTokenAt == 0 ? 0 : firstTokenAt - received,
                        now - received,
                        queueNanos));
        return true;
    }

    /** Counts one decode step from {@code start} to {@code end}. */
    void stepped(long start, long end) {
        if (steps++ == 0) {
            firstStepAt = start;
        }
        stepNanos += end - start;
    }

    /** Tells the trace the summary of the decode steps, when there were any. */
    void traceDecode(long now) {
        if (steps > 0 && !ended() && request.trace().recording()) {
            request.trace().decoded(firstStepAt, now, steps, stepNanos, generated.size());
        }
    }

    boolean fail(LlmaosException error) {
        if (!end()) {
            return false;
        }
        listener.onError(error);
        return true;
    }
}
