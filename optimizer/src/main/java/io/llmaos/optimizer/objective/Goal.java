package io.llmaos.optimizer.objective;

/** One term of J: a metric's target {@code mu} and its weight {@code p}. */
public record Goal(Metric metric, double target, double weight) {
    public Goal {
        if (!(target > 0)) {
            throw new IllegalArgumentException(metric.key() + ": a target must be above 0");
        }
        if (!(weight >= 0)) {
            throw new IllegalArgumentException(metric.key() + ": a weight cannot be negative");
        }
    }
}
