package io.llmaos.server.api.mapping;

import com.google.protobuf.Timestamp;
import io.llmaos.proto.v1.BatchSizeCount;
import io.llmaos.proto.v1.InstanceStats;
import io.llmaos.proto.v1.LatencySummary;
import io.llmaos.proto.v1.LevelStats;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.RejectionCounts;
import io.llmaos.proto.v1.SchedulerStats;
import io.llmaos.proto.v1.TenantStats;
import io.llmaos.server.scheduler.SchedulerReport;
import java.util.function.Predicate;

/** The scheduler's report as the contract's {@code SchedulerStats}. */
public final class SchedulerMapping {
    private SchedulerMapping() {}

    /** The whole report: every tenant of every model. */
    public static SchedulerStats stats(SchedulerReport report) {
        return stats(report, tenant -> true);
    }

    /** The report with the tenants {@code visible} accepts only (a tenant sees its own statistics). */
    public static SchedulerStats stats(SchedulerReport report, Predicate<String> visible) {
        SchedulerStats.Builder b = SchedulerStats.newBuilder()
                .setTime(Timestamp.newBuilder()
                        .setSeconds(report.time().getEpochSecond())
                        .setNanos(report.time().getNano()));
        report.models().forEach(m -> b.addModels(model(m, visible)));
        return b.build();
    }

    private static ModelSchedulerStats model(SchedulerReport.ModelReport m, Predicate<String> visible) {
        SchedulerReport.InstanceReport i = m.instances();
        ModelSchedulerStats.Builder b = ModelSchedulerStats.newBuilder()
                .setModelName(m.ref().name())
                .setModelVersion(m.ref().version())
                .setInstances(InstanceStats.newBuilder()
                        .setCurrent(i.current())
                        .setMin(i.min())
                        .setMax(i.max())
                        .setBusy(i.busy())
                        .setScaleUps(i.scaleUps())
                        .setScaleDowns(i.scaleDowns()))
                .setQueueTime(latency(m.queueTime()))
                .setComputeTime(latency(m.computeTime()))
                .setRejections(rejections(m.rejections()));
        m.batchSizes()
                .forEach(c -> b.addBatchSizes(
                        BatchSizeCount.newBuilder().setBatchSize(c.batchSize()).setCount(c.count())));
        m.levels()
                .forEach(l -> b.addLevels(LevelStats.newBuilder()
                        .setLevel(l.level())
                        .setQueueDepth(l.queueDepth())
                        .setInFlight(l.inFlight())
                        .setCompleted(l.completed())
                        .setRejections(rejections(l.rejections()))));
        m.tenants().stream()
                .filter(t -> visible.test(t.tenant()))
                .forEach(t -> b.addTenants(TenantStats.newBuilder()
                        .setTenant(t.tenant())
                        .setQueueDepth(t.queueDepth())
                        .setInFlight(t.inFlight())
                        .setCompleted(t.completed())
                        .setRejections(rejections(t.rejections()))));
        return b.build();
    }

    private static LatencySummary latency(SchedulerReport.Latency l) {
        if (l.count() == 0) {
            return LatencySummary.getDefaultInstance();
        }
        return LatencySummary.newBuilder()
                .setCount(l.count())
                .setMeanUs(l.meanUs())
                .setP50Us(l.p50Us())
                .setP90Us(l.p90Us())
                .setP99Us(l.p99Us())
                .setMaxUs(l.maxUs())
                .build();
    }

    private static RejectionCounts rejections(SchedulerReport.Rejections r) {
        return RejectionCounts.newBuilder()
                .setQueueFull(r.queueFull())
                .setQuota(r.quota())
                .setTimedOut(r.timedOut())
                .setCancelled(r.cancelled())
                .setNotReady(r.notReady())
                .setInvalid(r.invalid())
                .build();
    }
}
