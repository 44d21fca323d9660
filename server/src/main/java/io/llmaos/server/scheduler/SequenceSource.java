package io.llmaos.server.scheduler;

import java.util.List;

/** What a {@link DecodeLoop} sees of its scheduler: where its sequences come from and where preempted ones go. */
interface SequenceSource {
    /**
     * Sequences {@code loop} may admit now, within its budget; waits while the loop has nothing at
     * all to do; null when the loop should stop.
     */
    List<PendingSequence> admit(DecodeLoop loop) throws InterruptedException;

    /** Puts preempted sequences back in the queue, to be recomputed later. */
    void requeue(List<PendingSequence> preempted);
}
