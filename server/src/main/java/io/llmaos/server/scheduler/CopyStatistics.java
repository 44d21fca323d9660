package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.ModelRef;

/**
 * Triton's statistics of one served copy.
 *
 * @param memoryBytes       the memory the copy holds, as the ledger counts it
 * @param clampedPriorities requests whose priority was beyond the model's levels and ran at its default
 */
public record CopyStatistics(ModelRef ref, long memoryBytes, ExecutionStats execution, long clampedPriorities) {}
