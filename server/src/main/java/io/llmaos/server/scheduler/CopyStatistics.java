package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.ModelRef;

/**
 * Triton's statistics of one served copy.
 *
 * @param memoryBytes       the memory the copy holds in the model-memory budget (the ledger's count)
 * @param clampedPriorities requests whose priority was beyond the model's levels and ran at its default
 * @param cachedTokens      the cache tokens a GENERATIVE copy's active sequences hold now
 * @param preemptions       sequences preempted for one of higher priority
 */
public record CopyStatistics(
        ModelRef ref,
        long memoryBytes,
        ExecutionStats execution,
        long clampedPriorities,
        long cachedTokens,
        long preemptions) {}
