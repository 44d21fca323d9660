package io.llmaos.optimizer.objective;

/**
 * A bound a trial must keep: at most {@code bound} of a metric where lower is better (--max-p99,
 * --max-memory, --max-ttft, --max-itl), at least where higher is better (--min-throughput,
 * --min-tokens-per-s).
 */
public record Constraint(Metric metric, double bound) {
    /** Whether {@code m} keeps the bound (a metric not measured does not). */
    public boolean holds(Measures m) {
        double v = metric.of(m);
        if (v < 0) {
            return false;
        }
        return metric.higherIsBetter() ? v >= bound : v <= bound;
    }

    /** How far {@code m} is past the bound, as a share of it (0 when it holds). */
    public double breach(Measures m) {
        double v = metric.of(m);
        if (v < 0) {
            return 1;
        }
        double over = metric.higherIsBetter() ? bound - v : v - bound;
        return Math.max(0, over) / Math.max(1e-9, bound);
    }

    /** "p99 <= 20.00ms". */
    public String describe() {
        return metric.key() + (metric.higherIsBetter() ? " >= " : " <= ") + metric.format(bound);
    }
}
