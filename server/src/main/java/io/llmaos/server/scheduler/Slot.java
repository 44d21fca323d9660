package io.llmaos.server.scheduler;

import io.llmaos.server.model.engine.ModelInstance;

/**
 * One instance and whether a caller has borrowed it: an idle worker's instance may be lent to the
 * calling thread, which then runs its request at once with no hand-off. Guarded by the model
 * scheduler's lock.
 */
final class Slot {
    final ModelInstance instance;
    boolean lent;
    /** When a caller last gave the instance back (clock nanos): lending counts as use, not idleness. */
    long lastUsed = Long.MIN_VALUE;

    Slot(ModelInstance instance) {
        this.instance = instance;
    }
}
