package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelFootprint;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.proto.v1.UnloadModelRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The resource layer's figures, printed as JSON: what the monitor costs at its default 1 s
 * interval (its own CPU per sample, and the idle server's process load), how long evicting and
 * reloading each demo model takes (unload, then load from disk), how the footprint the server
 * measured at load compares with the RSS change seen from outside, and what the idle server costs:
 * its process CPU in each minute of idleness after that traffic (no call at all meanwhile; the
 * goal is under 1% of a core in every minute).
 *
 * <p>Run: {@code loadtest/bin/resource-benchmark [repeats] [idle minutes, default 5]}.
 */
public final class ResourceBenchmark {
    private static final List<String> DEMOS = List.of("mlp-classifier", "gpt-kjv", "tf-dense", "all-MiniLM-L6-v2");

    private ResourceBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[1]).toAbsolutePath().normalize();
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int idleMinutes = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "resources");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        try (ServerProcess s = ServerProcess.start(
                args[0],
                ServerProcess.benchmarkJvmOptions(),
                List.of("--models", models.toString(), "--load-models", String.join(",", DEMOS)))) {
            var resources = ResourceServiceGrpc.newBlockingStub(s.channel());
            var repo = ModelRepositoryServiceGrpc.newBlockingStub(s.channel());

            // the monitor alone: an idle server sampling every second
            long[] cost = new long[10];
            double load = 0;
            for (int i = 0; i < cost.length; i++) {
                Thread.sleep(1000);
                ResourceSnapshot snap = resources.getResources(GetResourcesRequest.getDefaultInstance());
                cost[i] = snap.getSamplingCostUs();
                load += snap.getCpu().getProcessLoad() / cost.length;
            }
            Arrays.sort(cost);
            ObjectNode monitor = report.putObject("monitor_1s_interval");
            monitor.put("sample_cpu_us_p50", cost[cost.length / 2]);
            monitor.put("sample_cpu_us_max", cost[cost.length - 1]);
            monitor.put(
                    "sample_cpu_share_of_one_core_pct", Math.round(cost[cost.length / 2] / 1e6 * 100 * 1000) / 1000.0);
            monitor.put("idle_server_process_load", Math.round(load * 10000) / 10000.0);

            ArrayNode perModel = report.putArray("evict_and_reload");
            for (String name : DEMOS) {
                long[] unloadMs = new long[repeats];
                long[] loadMs = new long[repeats];
                long[] footprint = new long[repeats];
                long[] rssGrowth = new long[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    repo.unloadModel(
                            UnloadModelRequest.newBuilder().setName(name).build());
                    long t1 = System.nanoTime();
                    long rssBefore = s.rssBytes();
                    repo.loadModel(LoadModelRequest.newBuilder().setName(name).build());
                    long t2 = System.nanoTime();
                    rssGrowth[r] = s.rssBytes() - rssBefore;
                    unloadMs[r] = (t1 - t0) / 1_000_000;
                    loadMs[r] = (t2 - t1) / 1_000_000;
                    footprint[r] =
                            resources.getResources(GetResourcesRequest.getDefaultInstance()).getModelsList().stream()
                                    .filter(m -> m.getModelName().equals(name))
                                    .mapToLong(ModelFootprint::getMemoryBytes)
                                    .findFirst()
                                    .orElse(-1);
                }
                ObjectNode o = perModel.addObject();
                o.put("model", name);
                o.put("unload_ms_median", median(unloadMs));
                o.put("reload_ms_median", median(loadMs));
                o.put("measured_footprint_mib_median", mib(median(footprint)));
                o.put("rss_growth_seen_outside_mib_median", mib(median(rssGrowth)));
            }
            idle(s, idleMinutes, report.putObject("idle"));
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    /** The server's own CPU in each of {@code minutes} minutes without a single call, as % of one core. */
    private static void idle(ServerProcess s, int minutes, ObjectNode out) throws InterruptedException {
        ArrayNode perMinute = out.putArray("cpu_pct_of_one_core_per_minute");
        double worst = 0;
        double before = s.cpuSeconds();
        for (int m = 0; m < minutes; m++) {
            Thread.sleep(60_000);
            double now = s.cpuSeconds();
            double pct = Math.round((now - before) / 60.0 * 100 * 1000) / 1000.0;
            perMinute.add(pct);
            worst = Math.max(worst, pct);
            before = now;
        }
        out.put("minutes", minutes);
        out.put("worst_minute_pct", worst);
        ObjectNode goal = out.putObject("goal");
        goal.put("value", worst);
        goal.put("goal", "< 1 (% of one core in every idle minute)");
        goal.put("met", minutes > 0 && worst < 1);
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static double mib(long bytes) {
        return Math.round(bytes / 1048576.0 * 10) / 10.0;
    }
}
