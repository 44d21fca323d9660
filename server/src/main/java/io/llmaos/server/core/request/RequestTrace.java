package io.llmaos.server.core.request;

import java.util.List;

/**
 * A request's trace as the scheduler and the APIs feed it: the parts of its time in the server, each
 * given as a start and an end on the server's {@code Clock.nanoTime}. A request that is not traced
 * carries {@link #NONE}, which records nothing; {@link #recording} tells the scheduler whether
 * gathering a part is worth anything. Calls come from instance workers and decode loops: quick,
 * never blocking.
 */
public interface RequestTrace {
    /** Records nothing. */
    RequestTrace NONE = new RequestTrace() {};

    /** Whether this trace records (false: the scheduler may skip gathering its parts). */
    default boolean recording() {
        return false;
    }

    /** Waited in the queue of priority {@code level}. */
    default void queued(long startNanos, long endNanos, int level) {}

    /**
     * Ran in one engine execution of {@code batchSize} rows, beside the requests whose traces are
     * {@code batch} (its own among them).
     */
    default void executed(long startNanos, long endNanos, int batchSize, List<RequestTrace> batch) {}

    /** A generation waited to be admitted to a decode loop at priority {@code level}. */
    default void admitted(long startNanos, long endNanos, int level) {}

    /** A generation's context of {@code tokens} tokens was prefilled with {@code sequences} sequences. */
    default void prefilled(long startNanos, long endNanos, int tokens, int sequences) {}

    /**
     * A generation's decode steps, summarised: from its first step to its end, {@code steps} steps
     * that took {@code stepNanos} in the engine together, making {@code tokens} tokens in all.
     */
    default void decoded(long startNanos, long endNanos, int steps, long stepNanos, int tokens) {}

    /**
     * The request ended with the gRPC status {@code status} (OK for a result), on model version
     * {@code version} (0 when none was resolved).
     */
    default void ended(long endNanos, String status, long version) {}
}
