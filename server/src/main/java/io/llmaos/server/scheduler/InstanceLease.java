package io.llmaos.server.scheduler;

import io.llmaos.server.model.engine.ModelInstance;

/**
 * One instance of a copy's pool, held by its worker thread: an idle worker's instance may be lent
 * to the calling thread, which then runs its request at once with no hand-off. Guarded by the
 * batching scheduler's lock.
 */
final class InstanceLease {
    final ModelInstance instance;
    /** Whether a caller runs on the instance now. */
    boolean lent;
    /** When a caller last gave the instance back (clock nanos): lending counts as use, not idleness. */
    long lastUsed = Long.MIN_VALUE;
    /** Set when the pool sheds this instance: its worker leaves and the instance is closed. */
    boolean retiring;

    InstanceLease(ModelInstance instance) {
        this.instance = instance;
    }
}
