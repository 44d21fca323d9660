package io.llmaos.server.scheduler;

import io.llmaos.server.core.runtime.Durations;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * When an instance pool should grow: once its queue has been under pressure (the oldest request
 * waited longer than scale_up_queue_delay) for scale_up_after without a break, one instance at a
 * time. Guarded by its scheduler's lock.
 */
final class PoolGrowth {
    private long pressureSince = -1;
    private boolean growing;

    /**
     * Whether to start growing now, given the pressure, whether the pool may take another instance,
     * and the budget's room; true marks a growth under way until {@link #done}.
     */
    boolean due(boolean pressed, boolean room, long now, Duration after, BooleanSupplier budget) {
        if (!pressed || !room || growing) {
            pressureSince = pressed ? pressureSince : -1;
            return false;
        }
        if (pressureSince < 0) {
            pressureSince = now;
            return false;
        }
        if (now - pressureSince < Durations.nanos(after) || !budget.getAsBoolean()) {
            return false;
        }
        growing = true;
        pressureSince = -1;
        return true;
    }

    /** The growth started by {@link #due} ended (made an instance or not). */
    void done() {
        growing = false;
    }
}
