package io.llmaos.server.scheduler;

/** Something waiting in a {@link PriorityRequestQueue}. */
interface QueueEntry {
    /** Its priority level, 1 = highest. */
    int level();

    /** The tenant it is accounted to. */
    String tenant();

    /** When it entered the queue ({@code Clock.nanoTime}). */
    long enqueuedNanos();

    /** When its queue time runs out ({@code Clock.nanoTime}); {@link Long#MAX_VALUE} for never. */
    long deadlineNanos();

    /** The rows it adds to a batch (1 unless the model batches rows). */
    default long rows() {
        return 1;
    }

    /** Whether it no longer needs serving (cancelled, or completed elsewhere). */
    boolean isDone();
}
