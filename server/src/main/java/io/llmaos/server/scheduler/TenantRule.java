package io.llmaos.server.scheduler;

/**
 * How one tenant shares a model: its weight within a priority level, and its quotas.
 *
 * @param maxInFlight       requests queued or running at once (0 = unlimited)
 * @param requestsPerSecond sustained rate (0 = unlimited)
 * @param burst             requests allowed above the rate in a burst
 */
public record TenantRule(int weight, int maxInFlight, double requestsPerSecond, int burst) {
    static final TenantRule DEFAULT = new TenantRule(1, 0, 0, 0);
}
