package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.DynamicBatching;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The inference benchmark (issues 4 and 13), printed as JSON. Side by side in one run, on the demo
 * MLP and on all-MiniLM-L6-v2, each layer's cost: a bare gRPC echo (the transport's limit, its own
 * process, the same client), the engine alone (DJL's Predictor), our engine adapter and our API
 * without transport or scheduler (both in this process, on the server's classes), and the served
 * path (LLMA OS in its own process) through llmaos.v1 Infer and OIP ModelInfer (typed and raw).
 * Goals: P1 = (served p50 - engine p50) / echo p50 at concurrency 1 per API, P2 = served / echo
 * QPS at concurrency 32 with dynamic batching, MiniLM's served p50 over the engine's, the batching
 * gain and issue 4's priority ratio. Every process measured is first warmed until the JIT compilers
 * of both sides are quiet ({@link JitWarmup}), so compiled code is compared with compiled code, and
 * the figures of the goals are taken in alternating rounds with all servers up ({@link PairedPhases}),
 * with where the CPU went at concurrency 32 (server, client, idle).
 * "Batched" is dynamic batching from what queues while the instance is busy (no added delay);
 * "unbatched" reloads the model with max_batch_size 1.
 *
 * <p>Run: {@code loadtest/bin/inference-benchmark [seconds per phase]}.
 */
public final class InferenceBenchmark {
    /** Warm-up runs in rounds this long until the JIT compilers of client and server are quiet... */
    private static final Duration JIT_ROUND = Duration.ofSeconds(5);
    /** ... or this long at most. */
    private static final Duration JIT_MAX = Duration.ofSeconds(180);

    private static final Duration WARMUP = Duration.ofSeconds(4);
    /** The queue delay of the extra batching phase (not a goal). */
    private static final long QUEUE_DELAY_US = 50;
    /** The rounds of the paired phases, and each phase's warm-up within a round (all are warm by then). */
    private static final int PAIRED_ROUNDS = 3;

    private static final Duration PAIRED_WARMUP = Duration.ofSeconds(2);

    private InferenceBenchmark() {}

    public static void main(String[] args) throws Exception {
        String serverClasspath = args[0];
        String ownClasspath = System.getProperty("java.class.path");
        Path models = Path.of(args[1]).toAbsolutePath().normalize();
        Duration phase = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "inference-scheduling");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("phase_seconds", phase.toSeconds());

        // the engine and the adapter alone first, with no server running beside them
        ObjectNode inProcess = report.putObject("in_process");
        // twice: the first pass warms this JVM's JIT and the engines, the second is kept
        inProcessLatencies(models, json.createObjectNode());
        inProcessLatencies(models, inProcess);
        ObjectNode echo = report.putObject("bare_echo");
        ObjectNode served = report.putObject("served");
        // the transport's limit for MiniLM: an echo that holds each call as long as the engine takes
        long holdUs = inProcess.get("engine_minilm_p50_us").asLong();
        try (ServerProcess e = ServerProcess.startMain(
                        ownClasspath, List.of("-Xmx512m"), EchoServer.class.getName(), List.of("fixed"));
                ServerProcess hold = ServerProcess.startMain(
                        ownClasspath,
                        List.of("-Xmx512m"),
                        EchoServer.class.getName(),
                        List.of("fixed", String.valueOf(holdUs)));
                ServerProcess s = BenchRequests.serveBoth(serverClasspath, models)) {
            echo.put("c1_hold_us", holdUs);
            warmEchoes(e, hold, echo);
            warmServed(s, served);
            pairedPhases(e, hold, s, echo, served, phase);
            servedPhase(s, served, phase);
            ServedPriority.measure(s.channel(), served.putObject("priority_minilm"), WARMUP, phase, json);
        }
        int batch = (int) Math.max(
                1, Math.round(served.get("c32_qps_mlp_batched_mean_batch").asDouble()));
        int instances = Math.max(1, served.get("c32_instances_mlp").asInt());
        inProcessRates(models, inProcess, batch, instances, phase);
        goals(report.putObject("goals"), echo, inProcess, served, report.at("/served/priority_minilm"));
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    /** Warms the echoes until their JIT compilers are quiet. */
    private static void warmEchoes(ServerProcess e, ServerProcess hold, ObjectNode echo) throws Exception {
        byte[] mlp = BenchRequests.mlp(1).toByteArray();
        echo.put("mlp_payload_bytes", mlp.length);
        echo.put(
                "jit_warmup_s",
                JitWarmup.untilQuiet(
                        e::compilerTicks,
                        round -> echo(e.channel(), mlp, 32, Duration.ZERO, round),
                        JIT_ROUND,
                        JIT_MAX));
        echo(hold.channel(), BenchRequests.text().toByteArray(), 4, Duration.ZERO, JIT_ROUND);
    }

    /** Warms the served path: both models at once, so the shared code is compiled for both, then each API. */
    private static void warmServed(ServerProcess s, ObjectNode served) throws Exception {
        InferRequest mlp = BenchRequests.mlp(1);
        InferRequest minilm = BenchRequests.text();
        var infer = InferenceServiceGrpc.newFutureStub(s.channel());
        var oip = GRPCInferenceServiceGrpc.newFutureStub(s.channel());
        served.put(
                "jit_warmup_s",
                JitWarmup.untilQuiet(
                        s::compilerTicks,
                        round -> together(
                                () -> closed(16, Duration.ZERO, round, () -> infer.infer(mlp)),
                                () -> closed(8, Duration.ZERO, round, () -> infer.infer(minilm))),
                        JIT_ROUND,
                        JIT_MAX));
        ModelInferRequest oipTyped = BenchRequests.oipMlp(false);
        ModelInferRequest oipRaw = BenchRequests.oipMlp(true);
        closed(4, Duration.ZERO, JIT_ROUND, () -> oip.modelInfer(oipTyped));
        closed(4, Duration.ZERO, JIT_ROUND, () -> oip.modelInfer(oipRaw));
    }

    /**
     * The figures of the goals, each echo phase beside its served counterpart in alternating rounds
     * ({@link PairedPhases}): latency at concurrency 1 through each API (and MiniLM against the echo
     * holding its engine time), throughput at 32 with dynamic batching.
     */
    private static void pairedPhases(
            ServerProcess e, ServerProcess hold, ServerProcess s, ObjectNode echo, ObjectNode served, Duration phase)
            throws InterruptedException {
        InferRequest mlp = BenchRequests.mlp(1);
        InferRequest minilm = BenchRequests.text();
        ModelInferRequest oipTyped = BenchRequests.oipMlp(false);
        ModelInferRequest oipRaw = BenchRequests.oipMlp(true);
        var infer = InferenceServiceGrpc.newFutureStub(s.channel());
        var oip = GRPCInferenceServiceGrpc.newFutureStub(s.channel());
        var scheduler = SchedulerServiceGrpc.newBlockingStub(s.channel());
        setBatching(scheduler, BenchRequests.MLP, 0);
        new PairedPhases(PAIRED_WARMUP, phase)
                .p50(echo, "c1_p50_us_mlp_payload", 1, echoCall(e, mlp.toByteArray()))
                .p50(served, "c1_p50_us_mlp", 1, () -> infer.infer(mlp))
                .p50(served, "c1_p50_us_mlp_oip_typed", 1, () -> oip.modelInfer(oipTyped))
                .p50(echo, "c1_p50_us_oip_raw_payload", 1, echoCall(e, oipRaw.toByteArray()))
                .p50(served, "c1_p50_us_mlp_oip_raw", 1, () -> oip.modelInfer(oipRaw))
                .p50(echo, "c1_p50_us_minilm_payload_holding_engine_time", 1, echoCall(hold, minilm.toByteArray()))
                .p50(served, "c1_p50_us_minilm", 1, () -> infer.infer(minilm))
                .qps(echo, "c32_qps_fixed_pool", 32, e, echoCall(e, mlp.toByteArray()), null)
                .qps(served, "c32_qps_mlp_batched", 32, s, () -> infer.infer(mlp), () -> rowsAndBatches(scheduler))
                .run(PAIRED_ROUNDS);
    }

    /** Throughput at 32 that is not a goal's: MiniLM, and batching against none (the model reloaded in between). */
    private static void servedPhase(ServerProcess s, ObjectNode served, Duration phase) throws Exception {
        InferRequest mlp = BenchRequests.mlp(1);
        InferRequest minilm = BenchRequests.text();
        var infer = InferenceServiceGrpc.newFutureStub(s.channel());
        var scheduler = SchedulerServiceGrpc.newBlockingStub(s.channel());
        served.put(
                "c32_qps_minilm",
                round(closed(32, WARMUP, phase, () -> infer.infer(minilm)).qps()));
        // batched and unbatched alternate twice (the model reloaded in between); medians are kept
        var repo = ModelRepositoryServiceGrpc.newBlockingStub(s.channel());
        ModelConfig original = repo.getModel(
                        GetModelRequest.newBuilder().setName(BenchRequests.MLP).build())
                .getConfig();
        ModelConfig unbatched = original.toBuilder().setMaxBatchSize(1).build();
        double[] batchedQps = new double[2];
        double[] unbatchedQps = new double[2];
        double meanBatch = 1;
        int instances = 1;
        for (int round = 0; round < 2; round++) {
            repo.loadModel(LoadModelRequest.newBuilder()
                    .setName(BenchRequests.MLP)
                    .setConfigOverride(original)
                    .build());
            setBatching(scheduler, BenchRequests.MLP, 0);
            batchedQps[round] =
                    closed(32, WARMUP, phase, () -> infer.infer(mlp)).qps();
            ModelSchedulerStats stats = scheduler
                    .getStats(GetStatsRequest.newBuilder()
                            .addModelNames(BenchRequests.MLP)
                            .build())
                    .getModels(0);
            meanBatch = meanBatch(stats);
            instances = stats.getInstances().getCurrent();
            repo.loadModel(LoadModelRequest.newBuilder()
                    .setName(BenchRequests.MLP)
                    .setConfigOverride(unbatched)
                    .build());
            unbatchedQps[round] =
                    closed(32, WARMUP, phase, () -> infer.infer(mlp)).qps();
        }
        served.put("c32_qps_mlp_batched_beside_unbatched", round((batchedQps[0] + batchedQps[1]) / 2));
        served.put("c32_mean_batch_mlp_beside_unbatched", round(meanBatch));
        served.put("c32_instances_mlp", instances);
        served.put("c32_qps_mlp_unbatched", round((unbatchedQps[0] + unbatchedQps[1]) / 2));
        // not a goal: the batches a short queue delay (Triton's max_queue_delay_microseconds) forms
        repo.loadModel(LoadModelRequest.newBuilder()
                .setName(BenchRequests.MLP)
                .setConfigOverride(original)
                .build());
        setBatching(scheduler, BenchRequests.MLP, QUEUE_DELAY_US);
        served.put(
                "c32_qps_mlp_batched_delay_" + QUEUE_DELAY_US + "us",
                round(closed(32, WARMUP, phase, () -> infer.infer(mlp)).qps()));
        served.put(
                "c32_mean_batch_mlp_delay_" + QUEUE_DELAY_US + "us",
                round(meanBatch(scheduler
                        .getStats(GetStatsRequest.newBuilder()
                                .addModelNames(BenchRequests.MLP)
                                .build())
                        .getModels(0))));
    }

    /**
     * Each layer below the wire alone, in this process, at concurrency 1: the engine (DJL's
     * Predictor), our adapter ({@code ModelInstance.execute}) and the API without transport or
     * scheduler (bytes in, bytes out).
     */
    private static void inProcessLatencies(Path models, ObjectNode inProcess) throws Exception {
        try (InProcessBaseline base = new InProcessBaseline(models)) {
            inProcess.put("engine_mlp_p50_us", base.mlpLatency(1, 20000).getValueAtPercentile(50));
            inProcess.put(
                    "engine_minilm_p50_us",
                    base.minilmLatency(BenchRequests.SENTENCE, 300).getValueAtPercentile(50));
        }
        InProcessAdapter adapter = new InProcessAdapter(models);
        try (InProcessAdapter.Loaded mlp = adapter.load(BenchRequests.MLP)) {
            InferRequest one = BenchRequests.mlp(1);
            inProcess.put("adapter_mlp_p50_us", mlp.adapter(one, 2000, 20000).getValueAtPercentile(50));
            inProcess.put(
                    "api_mlp_infer_p50_us",
                    mlp.inferApi(one.toByteArray(), 2000, 20000).getValueAtPercentile(50));
            inProcess.put(
                    "api_mlp_oip_typed_p50_us",
                    mlp.oipApi(BenchRequests.oipMlp(false).toByteArray(), 2000, 20000)
                            .getValueAtPercentile(50));
            inProcess.put(
                    "api_mlp_oip_raw_p50_us",
                    mlp.oipApi(BenchRequests.oipMlp(true).toByteArray(), 2000, 20000)
                            .getValueAtPercentile(50));
        }
        try (InProcessAdapter.Loaded minilm = adapter.load(BenchRequests.MINILM)) {
            InferRequest text = BenchRequests.text();
            inProcess.put("adapter_minilm_p50_us", minilm.adapter(text, 50, 300).getValueAtPercentile(50));
            inProcess.put(
                    "api_minilm_infer_p50_us",
                    minilm.inferApi(text.toByteArray(), 50, 300).getValueAtPercentile(50));
        }
    }

    /**
     * The engine's and the adapter's rows per second at the served path's mean batch on as many
     * threads as it had instances (the limit of concurrency 32), and MiniLM's on one.
     */
    private static void inProcessRates(Path models, ObjectNode inProcess, int batch, int instances, Duration phase)
            throws Exception {
        try (InProcessBaseline base = new InProcessBaseline(models)) {
            inProcess.put(
                    "engine_mlp_rows_per_s_at_batch_" + batch, round(base.mlpRowsPerSecond(batch, instances, phase)));
        }
        try (InProcessAdapter.Loaded mlp = new InProcessAdapter(models).load(BenchRequests.MLP)) {
            inProcess.put(
                    "adapter_mlp_rows_per_s_at_batch_" + batch,
                    round(mlp.adapterRowsPerSecond(BenchRequests.mlp(batch), batch, instances, phase)));
        }
        inProcess.put(
                "engine_minilm_per_s_one_thread",
                round(1e6 / inProcess.get("engine_minilm_p50_us").asDouble()));
    }

    /**
     * The goals of issue 13 (P1 per API, P2, MiniLM's served cost over the engine) and issue 4's
     * batching gain and priority ratio.
     */
    private static void goals(ObjectNode goals, JsonNode echo, JsonNode inProcess, JsonNode served, JsonNode priority) {
        double engineMlp = inProcess.get("engine_mlp_p50_us").asDouble();
        double echoMlp = echo.get("c1_p50_us_mlp_payload").asDouble();
        for (String api : List.of("mlp", "mlp_oip_typed", "mlp_oip_raw")) {
            double p1 = (served.get("c1_p50_us_" + api).asDouble() - engineMlp) / echoMlp;
            goal(goals, "p1_overhead_" + api, p1, "<= 1.3", p1 <= 1.3);
        }
        double p2 = served.get("c32_qps_mlp_batched").asDouble()
                / echo.get("c32_qps_fixed_pool").asDouble();
        goal(goals, "p2_efficiency_mlp", p2, ">= 0.85", p2 >= 0.85);
        double minilmUs = served.get("c1_p50_us_minilm").asDouble()
                - inProcess.get("engine_minilm_p50_us").asDouble();
        goal(goals, "minilm_served_minus_engine_us", minilmUs, "<= 300", minilmUs <= 300);
        // for comparison, not a goal: what the transport alone adds to a call that holds the engine's time
        goals.put(
                "minilm_echo_holding_engine_time_minus_hold_us",
                echo.get("c1_p50_us_minilm_payload_holding_engine_time").asDouble()
                        - echo.get("c1_hold_us").asDouble());
        double gain = served.get("c32_qps_mlp_batched_beside_unbatched").asDouble()
                / served.get("c32_qps_mlp_unbatched").asDouble();
        goal(goals, "batching_gain_mlp", gain, ">= 1.0", round(gain) >= 1.0);
        double ratio = priority.get("p1_overload_p99_us").asDouble()
                / Math.max(1, priority.get("p1_unloaded_p99_us").asDouble());
        goal(goals, "priority_p99_ratio_minilm", ratio, "<= 2", ratio <= 2.0);
    }

    private static java.util.function.Supplier<ListenableFuture<?>> echoCall(ServerProcess e, byte[] bytes) {
        return () -> ClientCalls.futureUnaryCall(e.channel().newCall(EchoServer.ECHO, CallOptions.DEFAULT), bytes);
    }

    private static LoadGenerator.Run echo(
            ManagedChannel channel, byte[] bytes, int concurrency, Duration warmup, Duration phase)
            throws InterruptedException {
        return closed(
                concurrency,
                warmup,
                phase,
                () -> ClientCalls.futureUnaryCall(channel.newCall(EchoServer.ECHO, CallOptions.DEFAULT), bytes));
    }

    /** Runs two loads at the same time. */
    private static void together(JitWarmup.Load.Task a, JitWarmup.Load.Task b) throws InterruptedException {
        Thread other = new Thread(
                () -> {
                    try {
                        b.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "warmup-load");
        other.start();
        a.run();
        other.join();
    }

    private static LoadGenerator.Run closed(
            int concurrency, Duration warmup, Duration phase, java.util.function.Supplier<ListenableFuture<?>> call)
            throws InterruptedException {
        return LoadGenerator.closedLoop(concurrency, warmup, phase, call);
    }

    private static void setBatching(
            SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler, String model, long delayUs) {
        scheduler.setPolicy(SetPolicyRequest.newBuilder()
                .setPolicy(SchedulingPolicy.newBuilder()
                        .setModelName(model)
                        .setDynamicBatching(DynamicBatching.newBuilder().setMaxQueueDelayUs(delayUs)))
                .build());
    }

    private static long[] rowsAndBatches(SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler) {
        ModelSchedulerStats stats = scheduler
                .getStats(GetStatsRequest.newBuilder()
                        .addModelNames(BenchRequests.MLP)
                        .build())
                .getModels(0);
        return new long[] {
            stats.getBatchSizesList().stream()
                    .mapToLong(b -> b.getCount() * b.getBatchSize())
                    .sum(),
            stats.getBatchSizesList().stream().mapToLong(b -> b.getCount()).sum()
        };
    }

    private static double meanBatch(ModelSchedulerStats stats) {
        long batches =
                stats.getBatchSizesList().stream().mapToLong(b -> b.getCount()).sum();
        long rows = stats.getBatchSizesList().stream()
                .mapToLong(b -> b.getCount() * b.getBatchSize())
                .sum();
        return batches == 0 ? 1 : (double) rows / batches;
    }

    private static void goal(ObjectNode goals, String name, double value, String target, boolean met) {
        ObjectNode g = goals.putObject(name);
        g.put("value", round(value));
        g.put("goal", target);
        g.put("met", met);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
