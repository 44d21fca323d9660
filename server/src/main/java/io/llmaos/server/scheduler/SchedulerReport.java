package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.ModelRef;
import java.time.Instant;
import java.util.List;

/**
 * What the schedulers have done and hold now, as plain values: the API maps them to the contract's
 * {@code SchedulerStats}, and other readers (metrics, the optimizer) take them as they are.
 *
 * @param time   when the report was taken
 * @param models one report per served copy, ordered by model and version
 */
public record SchedulerReport(Instant time, List<ModelReport> models) {
    public SchedulerReport {
        models = List.copyOf(models);
    }

    /** One served copy's scheduler. */
    public record ModelReport(
            ModelRef ref,
            List<LevelReport> levels,
            List<TenantReport> tenants,
            InstanceReport instances,
            List<BatchCount> batchSizes,
            Latency queueTime,
            Latency computeTime,
            Rejections rejections) {
        public ModelReport {
            levels = List.copyOf(levels);
            tenants = List.copyOf(tenants);
            batchSizes = List.copyOf(batchSizes);
        }
    }

    /** One priority level (1 = highest): queued and running now, served and turned away so far. */
    public record LevelReport(int level, int queueDepth, int inFlight, long completed, Rejections rejections) {}

    /** One tenant: queued now, admitted and not yet answered, served and turned away so far. */
    public record TenantReport(String tenant, int queueDepth, int inFlight, long completed, Rejections rejections) {}

    /** The instance pool: its size now, its bounds, busy instances, and how often it changed size. */
    public record InstanceReport(int current, int min, int max, int busy, long scaleUps, long scaleDowns) {}

    /** How many batches of one size ran. */
    public record BatchCount(int batchSize, long count) {}

    /** A latency distribution in microseconds; all zero when nothing was measured. */
    public record Latency(long count, double meanUs, long p50Us, long p90Us, long p99Us, long maxUs) {
        public static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0);
    }

    /** Requests turned away, by reason. */
    public record Rejections(long queueFull, long quota, long timedOut, long cancelled, long notReady, long invalid) {}
}
