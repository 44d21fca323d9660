package io.llmaos.server.scheduler;

import java.util.List;

/**
 * What one model copy's scheduler has done since the copy was loaded, in Triton's terms.
 *
 * @param lastInferenceMillis when the last request was answered with a result (epoch ms; 0 = never)
 * @param inferenceCount      inferences answered: the rows of a batched model's requests, else requests
 * @param executionCount      engine executions (batches, or decode steps)
 * @param success             requests answered with a result, and their time in the server
 * @param fail                requests answered with an error once they reached the scheduler
 * @param queue               time requests waited in the queue
 * @param computeInput        time joining inputs into batches
 * @param computeInfer        time in the engine
 * @param computeOutput       time splitting batch outputs
 * @param batches             the executions by batch size, smallest first
 */
public record ExecutionStats(
        long lastInferenceMillis,
        long inferenceCount,
        long executionCount,
        Total success,
        Total fail,
        Total queue,
        Total computeInput,
        Total computeInfer,
        Total computeOutput,
        List<BatchStats> batches) {
    public ExecutionStats {
        batches = List.copyOf(batches);
    }

    /** A count and its total time in nanoseconds. */
    public record Total(long count, long nanos) {}

    /** The executions of one batch size. */
    public record BatchStats(int batchSize, Total computeInput, Total computeInfer, Total computeOutput) {}
}
