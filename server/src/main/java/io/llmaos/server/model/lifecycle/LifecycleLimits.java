package io.llmaos.server.model.lifecycle;

import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.resource.EngineBudget;
import io.llmaos.server.resource.MemoryLedger;
import java.time.Duration;
import java.util.Objects;

/**
 * The budgets and time limits the lifecycle works within.
 *
 * @param ledger       the model-memory budget loads reserve from (evicting idle models when short)
 * @param engines      the engine threads and instances every loaded instance is counted against
 * @param loadTimeout  how long one load may run before it is abandoned
 * @param onDemandWait when set, a request for a model in the repository that is not loaded loads it
 *                     and waits this long at most; null: such requests are answered UNAVAILABLE
 */
public record LifecycleLimits(MemoryLedger ledger, EngineBudget engines, Duration loadTimeout, Duration onDemandWait) {
    public LifecycleLimits {
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(engines, "engines");
        Objects.requireNonNull(loadTimeout, "loadTimeout");
    }

    /** No memory or engine budget, a five-minute load timeout, no load-on-demand. */
    public static LifecycleLimits unlimited(Clock clock) {
        return new LifecycleLimits(
                new MemoryLedger(0, clock), new EngineBudget(Integer.MAX_VALUE, 0), Duration.ofMinutes(5), null);
    }
}
