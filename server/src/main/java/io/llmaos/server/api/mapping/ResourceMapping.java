package io.llmaos.server.api.mapping;

import com.google.protobuf.Timestamp;
import io.llmaos.proto.v1.Budget;
import io.llmaos.proto.v1.CpuUsage;
import io.llmaos.proto.v1.DiskUsage;
import io.llmaos.proto.v1.GpuDevice;
import io.llmaos.proto.v1.LedgerEvent;
import io.llmaos.proto.v1.MemoryUsage;
import io.llmaos.proto.v1.ModelFootprint;
import io.llmaos.proto.v1.NetworkUsage;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.server.resource.EngineBudget;
import io.llmaos.server.resource.MachineSample;
import io.llmaos.server.resource.MemoryLedger;
import io.llmaos.server.scheduler.ModelUsage;
import java.time.Instant;
import java.util.List;

/**
 * A resource snapshot from its parts: the monitor's latest machine sample, the network counters,
 * each loaded model's usage and the thread budget; computes utilisation U and load balance LB.
 */
public final class ResourceMapping {
    private ResourceMapping() {}

    /** The network side as counted by the endpoint. */
    public record Network(long bytesReceived, long bytesSent, int openConnections, int openCalls) {}

    public static ResourceSnapshot snapshot(
            MachineSample m, Network net, List<ModelUsage> models, EngineBudget engines, MemoryLedger ledger) {
        int threadLimit = engines.threadLimit();
        int threadsUsed = engines.threads();
        int instanceLimit = engines.instanceLimit();
        int instances = engines.instances();
        ResourceSnapshot.Builder b = ResourceSnapshot.newBuilder()
                .setTime(timestamp(m.time()))
                .setCpu(CpuUsage.newBuilder()
                        .setCores(m.cores())
                        .setSystemLoad(m.systemLoad())
                        .setProcessLoad(m.processLoad()))
                .setMemory(MemoryUsage.newBuilder()
                        .setTotalBytes(m.memoryTotal())
                        .setAvailableBytes(m.memoryAvailable())
                        .setProcessRssBytes(m.processRss())
                        .setJvmHeapUsedBytes(m.heapUsed())
                        .setJvmHeapMaxBytes(m.heapMax()))
                .setDisk(DiskUsage.newBuilder()
                        .setPath(m.disk().path().toString())
                        .setTotalBytes(m.disk().total())
                        .setFreeBytes(m.disk().free()))
                .setNetwork(NetworkUsage.newBuilder()
                        .setBytesReceived(net.bytesReceived())
                        .setBytesSent(net.bytesSent())
                        .setOpenConnections(net.openConnections())
                        .setOpenCalls(net.openCalls()))
                .addBudgets(Budget.newBuilder()
                        .setName(MemoryLedger.BUDGET)
                        .setLimit(ledger.limit())
                        .setReserved(ledger.reserved())
                        .setFree(ledger.limit() == 0 ? 0 : Math.max(0, ledger.limit() - ledger.reserved())))
                .addBudgets(Budget.newBuilder()
                        .setName("instances")
                        .setLimit(instanceLimit)
                        .setReserved(instances)
                        .setFree(instanceLimit == 0 ? 0 : Math.max(0, instanceLimit - instances)))
                .addBudgets(Budget.newBuilder()
                        .setName("engine_threads")
                        .setLimit(threadLimit)
                        .setReserved(threadsUsed)
                        .setFree(Math.max(0, threadLimit - threadsUsed)))
                .setSamplingCostUs(m.costNanos() / 1000);
        for (MemoryLedger.Event e : ledger.events()) {
            b.addRecentLedgerEvents(LedgerEvent.newBuilder()
                    .setTime(timestamp(e.time()))
                    .setAction(e.action())
                    .setModelName(e.model())
                    .setModelVersion(e.version())
                    .setBudget(MemoryLedger.BUDGET)
                    .setAmount(e.bytes())
                    .setReason(e.reason()));
        }
        double gpuUtilization = 0;
        for (MachineSample.Gpu g : m.gpus()) {
            b.addGpus(GpuDevice.newBuilder()
                    .setIndex(g.index())
                    .setName(g.name())
                    .setMemoryTotalBytes(g.memoryTotal())
                    .setMemoryUsedBytes(g.memoryUsed())
                    .setUtilization(g.utilization()));
            gpuUtilization += g.utilization() / m.gpus().size();
        }
        long allThreads = models.stream().mapToLong(ModelUsage::threads).sum();
        double weighted = 0;
        long demand = 0;
        for (ModelUsage u : models) {
            double share = allThreads == 0 ? 0 : (double) u.threads() / allThreads;
            weighted += u.demand() * share;
            demand += u.demand();
            b.addModels(ModelFootprint.newBuilder()
                    .setModelName(u.name())
                    .setModelVersion(u.version())
                    .setMemoryBytes(u.memoryBytes())
                    .setReservedBytes(u.reservedBytes())
                    .setInstances(u.instances())
                    .setThreads(u.threads())
                    .setDemand(u.demand())
                    .setAllocationShare(share)
                    .setPinned(u.pinned())
                    .setLastUsed(timestamp(u.lastUsed())));
        }
        b.setLoadBalance(demand == 0 ? 0 : weighted / demand);
        double memory = ledger.limit() > 0
                ? (double) ledger.reserved() / ledger.limit()
                : m.memoryTotal() == 0 ? 0 : (double) m.processRss() / m.memoryTotal();
        double threads = threadLimit == 0 ? 0 : (double) threadsUsed / threadLimit;
        double sum = m.processLoad() + memory + threads + (m.gpus().isEmpty() ? 0 : gpuUtilization);
        b.setUtilization(Math.min(1, sum / (m.gpus().isEmpty() ? 3 : 4)));
        return b.build();
    }

    private static Timestamp timestamp(Instant t) {
        Instant i = t == null ? Instant.EPOCH : t;
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }
}
