package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.runtime.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-tenant quotas of one model: requests in flight, and a token bucket for the rate. Exceeding
 * either answers RESOURCE_EXHAUSTED (TENANT_QUOTA) with a retry hint. A tenant's state is dropped
 * once it has nothing in flight and a full bucket, so any number of tenant names costs no memory
 * beyond those active. Thread-safe.
 */
final class TenantQuotas {
    private final Clock clock;
    private final Map<String, State> tenants = new HashMap<>();

    TenantQuotas(Clock clock) {
        this.clock = clock;
    }

    /** Takes one request's worth of {@code tenant}'s quota under {@code rule}, or throws. */
    synchronized void acquire(String tenant, TenantRule rule) {
        State s = tenants.computeIfAbsent(tenant, t -> new State(clock.nanoTime(), rule.burst()));
        if (rule.maxInFlight() > 0 && s.inFlight >= rule.maxInFlight()) {
            throw new CapacityExceededException(
                    "TENANT_QUOTA",
                    "tenant '" + tenant + "' already has " + s.inFlight + " requests in flight, its limit",
                    Duration.ofMillis(10));
        }
        if (rule.requestsPerSecond() > 0) {
            long now = clock.nanoTime();
            s.tokens = Math.min(rule.burst(), s.tokens + (now - s.refilled) / 1e9 * rule.requestsPerSecond());
            s.refilled = now;
            if (s.tokens < 1) {
                long waitNanos = (long) ((1 - s.tokens) / rule.requestsPerSecond() * 1e9);
                throw new CapacityExceededException(
                        "TENANT_QUOTA",
                        "tenant '" + tenant + "' exceeds its rate of " + rule.requestsPerSecond()
                                + " requests per second",
                        Duration.ofNanos(waitNanos));
            }
            s.tokens -= 1;
        }
        s.ratePerSecond = rule.requestsPerSecond();
        s.burst = rule.burst();
        s.inFlight++;
    }

    /** Gives one request's in-flight quota back. */
    synchronized void release(String tenant) {
        State s = tenants.get(tenant);
        if (s == null) {
            return;
        }
        s.inFlight--;
        if (s.inFlight <= 0) {
            long now = clock.nanoTime();
            boolean full = s.ratePerSecond <= 0 || s.tokens + (now - s.refilled) / 1e9 * s.ratePerSecond >= s.burst;
            if (full) {
                tenants.remove(tenant);
            }
        }
    }

    /** Tenants with state held (in flight, or a bucket still refilling). */
    synchronized int tracked() {
        return tenants.size();
    }

    /** Requests of {@code tenant} in flight. */
    synchronized int inFlight(String tenant) {
        State s = tenants.get(tenant);
        return s == null ? 0 : s.inFlight;
    }

    private static final class State {
        int inFlight;
        double tokens;
        long refilled;
        double ratePerSecond;
        int burst;

        State(long now, int burst) {
            this.refilled = now;
            this.tokens = burst;
        }
    }
}
