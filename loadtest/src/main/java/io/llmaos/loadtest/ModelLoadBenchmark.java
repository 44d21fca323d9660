package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelVersionStatus;
import io.llmaos.proto.v1.UnloadModelRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Model load benchmark, printed as JSON: for each demo model, the time until it is ready to serve
 * when loaded through a server (a separate process, LoadModel RPC) and when loaded with DJL in this
 * process, their ratio, the server's resident memory growth per model and what an unload gives
 * back, and each engine's start-up time. Loads are repeated (unload in between) and medians kept;
 * the first load of each engine, which includes starting it, is reported apart.
 *
 * <p>Run: {@code loadtest/bin/model-load-benchmark} (builds first), or
 * {@code java -cp <loadtest class path> io.llmaos.loadtest.ModelLoadBenchmark <server class path> <models dir> [repeats]}.
 */
public final class ModelLoadBenchmark {
    private record Demo(String name, String engine, String kind) {}

    private static final List<Demo> DEMOS = List.of(
            new Demo("mlp-classifier", "PyTorch", "mlp"),
            new Demo("gpt-kjv", "PyTorch", "gpt"),
            new Demo("tf-dense", "TensorFlow", "tf"),
            new Demo("all-MiniLM-L6-v2", "OnnxRuntime", "embedding"));

    private ModelLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ModelLoadBenchmark <server class path> <models dir> [repeats]");
            System.exit(2);
        }
        String serverClasspath = args[0];
        Path models = Path.of(args[1]).toAbsolutePath().normalize();
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "model-load");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", System.getProperty("java.version"));
        report.put("repeats", repeats);
        ArrayNode rows = report.putArray("models");

        List<ObjectNode> served = served(serverClasspath, models, repeats, json);
        ObjectNode engines = report.putObject("engine_startup_ms_in_process");
        configureDjl();
        for (String engine : List.of("PyTorch", "TensorFlow", "OnnxRuntime")) {
            engines.put(engine, round(InProcessModels.startEngine(engine)));
        }
        for (int i = 0; i < DEMOS.size(); i++) {
            Demo demo = DEMOS.get(i);
            ObjectNode row = served.get(i);
            if (row == null) {
                continue;
            }
            double[] times = new double[repeats];
            InProcessModels.loadReadyClose(models.resolve(demo.name()), demo.engine(), demo.kind());
            for (int r = 0; r < repeats; r++) {
                times[r] = InProcessModels.loadReadyClose(models.resolve(demo.name()), demo.engine(), demo.kind());
            }
            double inProcess = median(times);
            row.put("in_process_load_ms", round(inProcess));
            row.put("served_over_in_process", round(row.get("served_load_ms").asDouble() / inProcess));
            rows.add(row);
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    private static List<ObjectNode> served(String classpath, Path models, int repeats, ObjectMapper json)
            throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(
                classpath, List.of("-Xmx1g"), List.of("--models", models.toString(), "--load-models", ""))) {
            var repo = ModelRepositoryServiceGrpc.newBlockingStub(server.channel());
            for (Demo demo : DEMOS) {
                if (!InProcessModels.present(models.resolve(demo.name()))) {
                    rows.add(null);
                    continue;
                }
                ObjectNode row = json.createObjectNode();
                row.put("model", demo.name());
                row.put("engine", demo.engine());
                long rssBefore = server.rssBytes();
                row.put("served_first_load_ms", round(load(repo, demo.name())));
                long rssLoaded = server.rssBytes();
                ModelVersionStatus status = repo.getModel(GetModelRequest.newBuilder()
                                .setName(demo.name())
                                .build())
                        .getSummary()
                        .getVersions(0);
                row.put("first_load_rss_growth_bytes", rssLoaded - rssBefore);
                double[] times = new double[repeats];
                long[] growth = new long[repeats];
                long[] freed = new long[repeats];
                long[] measured = new long[repeats];
                for (int r = 0; r < repeats; r++) {
                    long loaded = server.rssBytes();
                    repo.unloadModel(
                            UnloadModelRequest.newBuilder().setName(demo.name()).build());
                    long unloaded = server.rssBytes();
                    freed[r] = loaded - unloaded;
                    times[r] = load(repo, demo.name());
                    growth[r] = server.rssBytes() - unloaded;
                    measured[r] = repo.getModel(GetModelRequest.newBuilder()
                                    .setName(demo.name())
                                    .build())
                            .getSummary()
                            .getVersions(0)
                            .getMemoryBytes();
                }
                row.put("served_load_ms", round(median(times)));
                row.put("server_reported_load_ms", status.getLoadTimeMs());
                row.put("rss_growth_bytes", (long)
                        median(Arrays.stream(growth).asDoubleStream().toArray()));
                row.put("measured_memory_bytes", (long)
                        median(Arrays.stream(measured).asDoubleStream().toArray()));
                row.put("rss_freed_by_unload_bytes", (long)
                        median(Arrays.stream(freed).asDoubleStream().toArray()));
                rows.add(row);
            }
        }
        return rows;
    }

    private static double load(ModelRepositoryServiceGrpc.ModelRepositoryServiceBlockingStub repo, String name) {
        long t0 = System.nanoTime();
        repo.withDeadlineAfter(5, TimeUnit.MINUTES)
                .loadModel(LoadModelRequest.newBuilder().setName(name).build());
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void configureDjl() throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Path cache = Path.of(ai.djl.util.Utils.getEngineCacheDir().toString());
        try (Stream<Path> dirs = Files.list(cache)) {
            dirs.filter(p -> p.getFileName().toString().startsWith("tensorflow-core-native-"))
                    .findFirst()
                    .ifPresent(p -> System.setProperty("TENSORFLOW_LIBRARY_PATH", p.toString()));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
