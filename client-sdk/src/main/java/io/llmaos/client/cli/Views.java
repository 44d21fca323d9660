package io.llmaos.client.cli;

import io.llmaos.proto.v1.LatencySummary;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.proto.v1.SchedulerStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The tables of {@code stats}, {@code resources} and {@code top}. */
final class Views {
    private Views() {}

    static void stats(PrintWriter out, SchedulerStats stats) {
        List<List<String>> rows = new ArrayList<>();
        for (ModelSchedulerStats m : stats.getModelsList()) {
            int queued =
                    m.getLevelsList().stream().mapToInt(l -> l.getQueueDepth()).sum();
            int inFlight =
                    m.getLevelsList().stream().mapToInt(l -> l.getInFlight()).sum();
            long done =
                    m.getLevelsList().stream().mapToLong(l -> l.getCompleted()).sum();
            long batches =
                    m.getBatchSizesList().stream().mapToLong(b -> b.getCount()).sum();
            long rows_ = m.getBatchSizesList().stream()
                    .mapToLong(b -> b.getCount() * b.getBatchSize())
                    .sum();
            rows.add(List.of(
                    m.getModelName() + "/" + m.getModelVersion(),
                    m.getInstances().getCurrent() + " (" + m.getInstances().getBusy() + " busy)",
                    String.valueOf(queued),
                    String.valueOf(inFlight),
                    String.valueOf(done),
                    batches == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", (double) rows_ / batches),
                    latency(m.getQueueTime()),
                    latency(m.getComputeTime())));
        }
        Output.table(
                out,
                List.of(
                        "MODEL",
                        "INSTANCES",
                        "QUEUED",
                        "IN FLIGHT",
                        "DONE",
                        "MEAN BATCH",
                        "QUEUE p50/p99",
                        "COMPUTE p50/p99"),
                rows);
    }

    static void resources(PrintWriter out, ResourceSnapshot r) {
        out.printf(
                "cpu %s of %d cores (machine %s)   memory rss %s, available %s of %s   heap %s/%s%n",
                Output.pct(r.getCpu().getProcessLoad()),
                r.getCpu().getCores(),
                Output.pct(r.getCpu().getSystemLoad()),
                Output.mib(r.getMemory().getProcessRssBytes()),
                Output.mib(r.getMemory().getAvailableBytes()),
                Output.mib(r.getMemory().getTotalBytes()),
                Output.mib(r.getMemory().getJvmHeapUsedBytes()),
                Output.mib(r.getMemory().getJvmHeapMaxBytes()));
        out.printf(
                "gpus %s   disk free %s   network in %s out %s, %d connections, %d calls   U %.2f  LB %.2f%n",
                r.getGpusCount() == 0
                        ? "none"
                        : r.getGpusList().stream()
                                .map(g -> g.getName() + " " + Output.pct(g.getUtilization()))
                                .toList()
                                .toString(),
                Output.mib(r.getDisk().getFreeBytes()),
                Output.mib(r.getNetwork().getBytesReceived()),
                Output.mib(r.getNetwork().getBytesSent()),
                r.getNetwork().getOpenConnections(),
                r.getNetwork().getOpenCalls(),
                r.getUtilization(),
                r.getLoadBalance());
        List<List<String>> rows = new ArrayList<>();
        r.getModelsList()
                .forEach(m -> rows.add(List.of(
                        m.getModelName() + "/" + m.getModelVersion(),
                        Output.mib(m.getMemoryBytes()),
                        Output.mib(m.getReservedBytes()),
                        String.valueOf(m.getInstances()),
                        String.valueOf(m.getDemand()),
                        Output.pct(m.getAllocationShare()),
                        m.getPinned() ? "pinned" : "")));
        Output.table(out, List.of("MODEL", "FOOTPRINT", "RESERVED", "INSTANCES", "DEMAND", "SHARE", ""), rows);
        List<List<String>> budgets = new ArrayList<>();
        r.getBudgetsList().forEach(b -> {
            // a budget of bytes reads in MiB like every other memory figure; counts stay counts
            boolean bytes = b.getName().endsWith("_bytes");
            budgets.add(List.of(
                    bytes ? b.getName().substring(0, b.getName().length() - "_bytes".length()) : b.getName(),
                    b.getLimit() == 0 ? "no limit" : bytes ? Output.mib(b.getLimit()) : String.valueOf(b.getLimit()),
                    bytes ? Output.mib(b.getReserved()) : String.valueOf(b.getReserved())));
        });
        Output.table(out, List.of("BUDGET", "LIMIT", "RESERVED"), budgets);
    }

    private static String latency(LatencySummary l) {
        return l.getCount() == 0 ? "-" : ms(l.getP50Us()) + "/" + ms(l.getP99Us());
    }

    private static String ms(double us) {
        return String.format(java.util.Locale.ROOT, "%.2fms", us / 1000);
    }
}
