package io.llmaos.server.scheduler;

import io.llmaos.proto.v1.InstanceStats;
import io.llmaos.proto.v1.LevelStats;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.TenantStats;

/** One model copy's scheduler statistics as the contract shows them, for either kind of scheduler. */
final class StatsReport {
    private StatsReport() {}

    static ModelSchedulerStats of(VersionScheduler s) {
        SchedulerSnapshot snap = s.snapshot();
        ModelStats st = s.stats();
        return stats(
                s.ref(),
                snap,
                st,
                s.liveTenants(),
                s::queuedOf,
                tenant -> s.admission().inFlight(tenant),
                InstanceStats.newBuilder()
                        .setCurrent(snap.workers())
                        .setMin(snap.minWorkers())
                        .setMax(snap.maxWorkers())
                        .setBusy(snap.busy())
                        .setScaleUps(st.scaleUps.sum())
                        .setScaleDowns(st.scaleDowns.sum()));
    }

    private static ModelSchedulerStats stats(
            io.llmaos.server.core.request.ModelRef ref,
            SchedulerSnapshot snap,
            ModelStats st,
            java.util.Set<String> live,
            java.util.function.ToIntFunction<String> queued,
            java.util.function.ToIntFunction<String> inFlight,
            InstanceStats.Builder instances) {
        ModelSchedulerStats.Builder b = ModelSchedulerStats.newBuilder()
                .setModelName(ref.name())
                .setModelVersion(ref.version())
                .setInstances(instances)
                .addAllBatchSizes(st.batchSizes())
                .setQueueTime(st.queueTime())
                .setComputeTime(st.computeTime())
                .setRejections(st.rejections());
        for (int l = 1; l < snap.depth().length; l++) {
            b.addLevels(LevelStats.newBuilder()
                    .setLevel(l)
                    .setQueueDepth(snap.depth()[l])
                    .setInFlight(snap.inFlight()[l])
                    .setCompleted(st.completed(l))
                    .setRejections(st.rejections(l)));
        }
        java.util.Set<String> tenants = new java.util.TreeSet<>(live);
        st.tenants().forEach(tenants::add);
        for (String tenant : tenants) {
            b.addTenants(TenantStats.newBuilder()
                    .setTenant(tenant)
                    .setQueueDepth(queued.applyAsInt(tenant))
                    .setInFlight(inFlight.applyAsInt(tenant))
                    .setCompleted(st.completedByTenant(tenant))
                    .setRejections(st.rejectionsOf(tenant)));
        }
        return b.build();
    }
}
