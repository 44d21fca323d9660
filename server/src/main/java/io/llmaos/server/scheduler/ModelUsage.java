package io.llmaos.server.scheduler;

import java.time.Instant;

/**
 * What one loaded model copy holds and how much it is asked for, for the resource view.
 *
 * @param memoryBytes   resident memory measured at load
 * @param reservedBytes what it holds in the model-memory budget
 * @param threads     engine threads its instances hold (threads per instance x instances)
 * @param demand      requests (or sequences) queued plus in flight
 */
public record ModelUsage(
        String name,
        long version,
        long memoryBytes,
        long reservedBytes,
        int instances,
        int threads,
        int demand,
        boolean pinned,
        Instant lastUsed) {}
