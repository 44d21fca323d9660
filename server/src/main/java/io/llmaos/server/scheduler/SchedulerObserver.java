package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.ModelRef;

/**
 * Who hears of each served request, batch and token as it happens (telemetry's histograms), beside
 * the scheduler's own counters. {@link #forCopy} is asked once per served copy, so whatever it binds
 * (labels, instruments) is bound once, not looked up per request. Calls come from instance workers and
 * decode loops: they must be quick and never block.
 */
public interface SchedulerObserver {
    /** Hears nothing. */
    SchedulerObserver NONE = ref -> CopyObserver.NONE;

    CopyObserver forCopy(ModelRef ref);

    /** The observer of one served copy. */
    interface CopyObserver {
        CopyObserver NONE = new CopyObserver() {};

        /** A tensor request answered with a result: its queue, engine and total time in the server. */
        default void served(int level, long queueNanos, long computeNanos, long totalNanos) {}

        /** One engine execution of {@code size} rows (or sequences, for a decode step). */
        default void batch(int size) {}

        /** A sequence's first token, {@code nanos} after the request arrived. */
        default void firstToken(long nanos) {}

        /** A further token of a sequence, {@code nanos} after its previous one. */
        default void nextToken(long nanos) {}

        /** A sequence ended after {@code tokens} generated tokens, {@code totalNanos} after it arrived. */
        default void sequenceEnded(int tokens, long totalNanos) {}
    }
}
