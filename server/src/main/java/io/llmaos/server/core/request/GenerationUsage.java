package io.llmaos.server.core.request;

/**
 * Token counts and times of a finished sequence, in nanoseconds from its arrival.
 *
 * @param firstTokenNanos time to the first token (0 when none was made)
 * @param totalNanos      time to the end
 * @param queueNanos      time waiting for admission
 */
public record GenerationUsage(
        int promptTokens, int generatedTokens, long firstTokenNanos, long totalNanos, long queueNanos) {}
