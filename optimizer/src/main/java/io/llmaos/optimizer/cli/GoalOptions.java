package io.llmaos.optimizer.cli;

import io.llmaos.optimizer.objective.Constraint;
import io.llmaos.optimizer.objective.Metric;
import io.llmaos.optimizer.objective.Objective;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What the search wants: the objective and the constraints. */
final class GoalOptions {
    @Option(
            names = "--objective",
            paramLabel = "throughput|latency|J",
            description = "What to optimise: throughput (tokens/s for generation), latency (p99; TTFT for generation),"
                    + " or J, the seed's weighted distance to targets (default throughput)")
    String objective = "throughput";

    @Option(
            names = "--goals",
            paramLabel = "M=V[:W],...",
            description = "J's targets and weights, e.g. p99=10ms:2,throughput=2000:1 (also accepted as --target"
                    + " when the value has '='); metrics: throughput, p50, p99, memory, ttft, itl, tokens_per_s")
    String goals;

    @Option(
            names = "--max-p99",
            paramLabel = "DURATION",
            description = "Constraint: p99 latency at most this, e.g. 20ms")
    String maxP99;

    @Option(names = "--max-p50", paramLabel = "DURATION", description = "Constraint: median latency at most this")
    String maxP50;

    @Option(
            names = "--max-memory",
            paramLabel = "SIZE",
            description = "Constraint: the model's memory at most this, e.g. 512MiB")
    String maxMemory;

    @Option(names = "--min-throughput", paramLabel = "N", description = "Constraint: at least this many requests/s")
    String minThroughput;

    @Option(
            names = "--max-ttft",
            paramLabel = "DURATION",
            description = "Constraint (generation): TTFT p99 at most this")
    String maxTtft;

    @Option(
            names = "--max-itl",
            paramLabel = "DURATION",
            description = "Constraint (generation): inter-token p99 at most this")
    String maxItl;

    @Option(
            names = "--min-tokens-per-s",
            paramLabel = "N",
            description = "Constraint (generation): at least this many tokens/s")
    String minTokensPerS;

    Objective objective() {
        return Objective.parse(objective, goals);
    }

    List<Constraint> constraints() {
        List<Constraint> c = new ArrayList<>();
        add(c, Metric.P99, maxP99);
        add(c, Metric.P50, maxP50);
        add(c, Metric.MEMORY, maxMemory);
        add(c, Metric.THROUGHPUT, minThroughput);
        add(c, Metric.TTFT, maxTtft);
        add(c, Metric.ITL, maxItl);
        add(c, Metric.TOKENS_PER_S, minTokensPerS);
        return c;
    }

    private static void add(List<Constraint> c, Metric metric, String text) {
        if (text != null) {
            c.add(new Constraint(metric, metric.parse(text)));
        }
    }
}
