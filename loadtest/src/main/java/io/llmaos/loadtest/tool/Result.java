package io.llmaos.loadtest.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What a load test measured: the workload's model and API, and one {@link Step} per load level.
 * Latencies are in microseconds.
 */
public record Result(String model, String api, String unit, List<Step> steps) {
    public Result {
        steps = List.copyOf(steps);
    }

    /**
     * One step, from its stable windows merged (or its last ones, when it never settled).
     *
     * @param level         its concurrency or rate
     * @param stable        whether its windows agreed within the stability asked
     * @param windows       windows measured
     * @param seconds       time measured (the windows reported)
     * @param requests      requests answered in them
     * @param throughput    requests answered per second
     * @param latency       client-side latency (from the intended send time in an open loop)
     * @param errors        failed requests by gRPC status
     * @param serverQueueUs the server's mean queue time, from its responses (-1 when it said nothing)
     * @param serverComputeUs the server's mean compute time, from its responses (-1 when it said nothing)
     * @param byTag         latency and throughput per priority and tenant ("priority=1", "tenant=a")
     * @param generation    generation measures (null for tensor APIs)
     * @param distribution  the latency distribution: (percentile, latency) points
     */
    public record Step(
            double level,
            boolean stable,
            int windows,
            double seconds,
            long requests,
            double throughput,
            Latency latency,
            Map<String, Long> errors,
            double serverQueueUs,
            double serverComputeUs,
            Map<String, Tagged> byTag,
            Generation generation,
            List<double[]> distribution) {}

    /** Latency percentiles, in microseconds. */
    public record Latency(long p50, long p90, long p95, long p99, long p999, long max, double mean) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(
                    h.getValueAtPercentile(50),
                    h.getValueAtPercentile(90),
                    h.getValueAtPercentile(95),
                    h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9),
                    h.getMaxValue(),
                    Math.round(h.getMean() * 10) / 10.0);
        }
    }

    /** The requests of one priority or tenant. */
    public record Tagged(long requests, double throughput, Latency latency) {}

    /**
     * Generation measures.
     *
     * @param ttft                     time to first token (client side)
     * @param serverTtft               time to first token as the server's usage says (from its arrival)
     * @param interTokenLatency        time between tokens
     * @param outputTokensPerSecond    tokens received per second, all streams together
     * @param tokensPerSecondPerStream the same per stream (closed loop: per caller)
     * @param tokensPerRequest         mean tokens a request made
     * @param distributionTtft         TTFT's distribution: (percentile, us) points
     * @param distributionItl          the inter-token latency's distribution
     */
    public record Generation(
            Latency ttft,
            Latency serverTtft,
            Latency interTokenLatency,
            double outputTokensPerSecond,
            double tokensPerSecondPerStream,
            double tokensPerRequest,
            List<double[]> distributionTtft,
            List<double[]> distributionItl) {}

    /** The step measured by {@code w}. */
    static Step step(
            double level, boolean stable, int windows, Recording.WindowStats w, boolean generating, double streams) {
        Map<String, Tagged> byTag = new LinkedHashMap<>();
        w.byTag()
                .forEach((tag, h) -> byTag.put(
                        tag,
                        new Tagged(
                                h.getTotalCount(),
                                round(h.getTotalCount() / Math.max(1e-9, w.seconds())),
                                Latency.of(h))));
        Generation g = null;
        if (generating) {
            double tokensPerSecond = w.tokens() / Math.max(1e-9, w.seconds());
            g = new Generation(
                    Latency.of(w.ttft()),
                    Latency.of(w.serverTtft()),
                    Latency.of(w.itl()),
                    round(tokensPerSecond),
                    round(tokensPerSecond / Math.max(1, streams)),
                    w.tokensPerRequest().getTotalCount() == 0
                            ? 0
                            : round(w.tokensPerRequest().getMean()),
                    distribution(w.ttft()),
                    distribution(w.itl()));
        }
        return new Step(
                level,
                stable,
                windows,
                round(w.seconds()),
                w.ok(),
                round(w.throughput()),
                Latency.of(w.latency()),
                w.errors(),
                w.queue().getTotalCount() == 0 ? -1 : round(w.queue().getMean()),
                w.compute().getTotalCount() == 0 ? -1 : round(w.compute().getMean()),
                byTag,
                g,
                distribution(w.latency()));
    }

    /** A histogram's percentile curve, a point per percentile tick (about 50 points). */
    static List<double[]> distribution(Histogram h) {
        List<double[]> points = new ArrayList<>();
        if (h.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : h.percentiles(2)) {
            points.add(new double[] {round(v.getPercentileLevelIteratedTo()), v.getValueIteratedTo()});
            if (v.getPercentileLevelIteratedTo() >= 99.999) {
                break;
            }
        }
        return points;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
