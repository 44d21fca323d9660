package io.llmaos.server.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** One served copy's scheduler report, for either shape of scheduler. */
final class StatsReport {
    private StatsReport() {}

    static SchedulerReport.ModelReport of(VersionScheduler s) {
        SchedulerSnapshot snap = s.snapshot();
        ModelStats st = s.stats();
        List<SchedulerReport.LevelReport> levels = new ArrayList<>();
        for (int l = 1; l < snap.depth().length; l++) {
            levels.add(new SchedulerReport.LevelReport(
                    l, snap.depth()[l], snap.inFlight()[l], st.completed(l), st.rejections(l)));
        }
        Set<String> names = new TreeSet<>(s.liveTenants());
        st.tenants().forEach(names::add);
        List<SchedulerReport.TenantReport> tenants = new ArrayList<>();
        for (String tenant : names) {
            tenants.add(new SchedulerReport.TenantReport(
                    tenant,
                    s.queuedOf(tenant),
                    s.admission().inFlight(tenant),
                    st.completedByTenant(tenant),
                    st.rejectionsOf(tenant)));
        }
        return new SchedulerReport.ModelReport(
                s.ref(),
                levels,
                tenants,
                new SchedulerReport.InstanceReport(
                        snap.workers(),
                        snap.minWorkers(),
                        snap.maxWorkers(),
                        snap.busy(),
                        st.scaleUps.sum(),
                        st.scaleDowns.sum()),
                st.batchSizes(),
                st.queueTime(),
                st.computeTime(),
                st.rejections());
    }
}
