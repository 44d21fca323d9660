package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.model.lifecycle.ServedCopy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The one door into a model copy's queue, for tensor requests and sequences alike: the priority
 * level (0 = the model's default; one it does not have is INVALID_ARGUMENT), the copy's admission
 * (refused once it is closing), the tenant's quota (RESOURCE_EXHAUSTED with a retry hint), and the
 * deadline by the level's timeout rules. Every refusal is counted; what an admitted request took is
 * given back exactly once by its {@link Ticket}.
 */
final class Admission {
    private final ServedCopy version;
    private final Clock clock;
    private final ModelStats stats;
    private final TenantQuotas quotas;
    private final Supplier<ModelPolicy> policy;

    Admission(ServedCopy version, Clock clock, ModelStats stats, Supplier<ModelPolicy> policy) {
        this.version = version;
        this.clock = clock;
        this.stats = stats;
        this.policy = policy;
        this.quotas = new TenantQuotas(clock);
    }

    /**
     * What an admitted request holds: its level, when it was admitted, when its time runs out, and
     * {@link #release} to give the copy's admission and the tenant's quota back.
     */
    record Ticket(int level, long admittedNanos, long deadlineNanos, Runnable release) {}

    /**
     * Admits one request of {@code tenant} at {@code priority} with the caller's deadline and the
     * request's own timeout (null for none); with {@code clamp}, a priority beyond the model's
     * levels takes its default level (counted) instead of INVALID_ARGUMENT. Throws INVALID_ARGUMENT, RESOURCE_EXHAUSTED
     * ({@link CapacityExceededException}) or {@link ServedCopy.VersionClosingException}, having
     * taken nothing.
     */
    Ticket admit(String model, int priority, boolean clamp, String tenant, long callerDeadline, Duration timeout) {
        ModelPolicy p = policy.get();
        int level = priority == 0 ? p.defaultPriority() : priority;
        if (clamp && (level < 1 || level > p.levels().size())) {
            // Triton's rule: a level the model does not have runs at its default level
            stats.clampedPriorities.increment();
            level = p.defaultPriority();
        }
        if (level < 1 || level > p.levels().size()) {
            stats.rejected(Math.max(1, Math.min(level, p.levels().size())), tenant, ModelStats.Rejection.INVALID);
            throw new InvalidInputException(
                    "priority",
                    "model '" + model + "' has priority levels 1.." + p.levels().size()
                            + " (1 = highest, 0 = its default " + p.defaultPriority() + ")");
        }
        version.admit();
        boolean quota = false;
        try {
            quotas.acquire(tenant, p.tenant(tenant));
            quota = true;
            long now = clock.nanoTime();
            long deadline = p.levels().get(level - 1).deadline(callerDeadline, timeout, now);
            AtomicBoolean released = new AtomicBoolean();
            return new Ticket(level, now, deadline, () -> {
                if (released.compareAndSet(false, true)) {
                    quotas.release(tenant);
                    version.release();
                }
            });
        } catch (CapacityExceededException e) {
            stats.rejected(level, tenant, ModelStats.Rejection.QUOTA);
            version.release();
            throw e;
        } catch (RuntimeException | Error e) {
            if (quota) {
                quotas.release(tenant);
            }
            version.release();
            throw e;
        }
    }

    /** Requests of {@code tenant} admitted and not yet answered (queued or running). */
    int inFlight(String tenant) {
        return quotas.inFlight(tenant);
    }

    /**
     * When a caller refused for a full queue might find room: the {@code queued} requests ahead at
     * the mean compute time, shared by {@code workers}; between 1 ms and a minute.
     */
    Duration retryHint(int queued, int workers) {
        double perRequestMs = Math.max(0.1, stats.meanComputeNanos() / 1e6);
        long ms = (long) (queued * perRequestMs / Math.max(1, workers));
        return Duration.ofMillis(Math.max(1, Math.min(60_000, ms)));
    }
}
