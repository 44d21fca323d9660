package io.llmaos.optimizer.objective;

/**
 * What one load step of a trial measured.
 *
 * @param level        the step's concurrency or rate
 * @param throughput   requests answered per second
 * @param p50Us        median request latency (client side)
 * @param p99Us        99th percentile request latency
 * @param memoryBytes  the model's resident memory as the server measured it at load (-1 unknown)
 * @param ttftP99Us    generation: 99th percentile time to first token (-1 for tensor models)
 * @param itlP99Us     generation: 99th percentile inter-token latency (-1 for tensor models)
 * @param tokensPerS   generation: tokens per second, all streams (-1 for tensor models)
 * @param errorShare   the share of requests that failed
 */
public record Measures(
        double level,
        double throughput,
        double p50Us,
        double p99Us,
        double memoryBytes,
        double ttftP99Us,
        double itlP99Us,
        double tokensPerS,
        double errorShare) {

    /** Whether these are a generation's measures. */
    public boolean generative() {
        return tokensPerS >= 0;
    }
}
