package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.DynamicBatching;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The scheduling benchmark of issue 4, printed as JSON. Side by side in one run, on the demo MLP
 * and on all-MiniLM-L6-v2: a bare gRPC echo (the transport's limit, its own process), the models
 * called in-process with DJL (the engine's limit), and the served path (LLMA OS in its own process).
 * It reports (a) overhead, (b) efficiency, (c) batching gain and (d) priority under 2x overload,
 * each against its goal. Every process measured is first warmed until the JIT compilers of both
 * sides are quiet ({@link JitWarmup}; the served path on both models at once), so compiled code is
 * compared with compiled code. "Batched" is dynamic batching from what queues while the instance is
 * busy (no added delay); "unbatched" reloads the model with max_batch_size 1.
 *
 * <p>Run: {@code loadtest/bin/inference-benchmark [seconds per phase]}.
 */
public final class InferenceBenchmark {
    private static final String SENTENCE = "A man is eating a piece of bread.";
    /** Warm-up runs in rounds this long until the JIT compilers of client and server are quiet... */
    private static final Duration JIT_ROUND = Duration.ofSeconds(5);
    /** ... or this long at most. */
    private static final Duration JIT_MAX = Duration.ofSeconds(180);

    private InferenceBenchmark() {}

    public static void main(String[] args) throws Exception {
        String serverClasspath = args[0];
        String ownClasspath = System.getProperty("java.class.path");
        Path models = Path.of(args[1]).toAbsolutePath().normalize();
        Duration phase = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        Duration warmup = Duration.ofSeconds(4);
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "inference-scheduling");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("phase_seconds", phase.toSeconds());

        InferRequest mlp = mlpRequest();
        InferRequest minilm = textRequest();
        ObjectNode echo = report.putObject("bare_echo");
        try (ServerProcess e = ServerProcess.startMain(
                ownClasspath, List.of("-Xmx512m"), EchoServer.class.getName(), List.of("fixed"))) {
            echo.put("mlp_payload_bytes", mlp.getSerializedSize());
            echo.put(
                    "jit_warmup_s",
                    JitWarmup.untilQuiet(
                            e::compilerTicks,
                            round -> echo(e.channel(), mlp, 32, Duration.ZERO, round),
                            JIT_ROUND,
                            JIT_MAX));
            echo.put(
                    "c1_p50_us_mlp_payload",
                    echo(e.channel(), mlp, 1, warmup, phase).p50Us());
            echo.put(
                    "c1_p50_us_minilm_payload",
                    echo(e.channel(), minilm, 1, warmup, phase).p50Us());
            echo.put(
                    "c32_qps_fixed_pool",
                    round(echo(e.channel(), mlp, 32, warmup, phase).qps()));
        }

        ObjectNode inProcess = report.putObject("in_process");
        ObjectNode served = report.putObject("served");
        ObjectNode goals = report.putObject("goals");
        try (ServerProcess s = ServerProcess.start(
                serverClasspath,
                ServerProcess.benchmarkJvmOptions(),
                List.of("--models", models.toString(), "--load-models", "mlp-classifier,all-MiniLM-L6-v2"))) {
            var infer = InferenceServiceGrpc.newFutureStub(s.channel());
            var scheduler = SchedulerServiceGrpc.newBlockingStub(s.channel());
            // both models at once, so the shared code is compiled for both, until the compilers are quiet
            served.put(
                    "jit_warmup_s",
                    JitWarmup.untilQuiet(
                            s::compilerTicks,
                            round -> together(
                                    () -> closed(16, Duration.ZERO, round, () -> infer.infer(mlp)),
                                    () -> closed(8, Duration.ZERO, round, () -> infer.infer(minilm))),
                            JIT_ROUND,
                            JIT_MAX));
            served.put(
                    "c1_p50_us_mlp",
                    closed(1, warmup, phase, () -> infer.infer(mlp)).p50Us());
            served.put(
                    "c1_p50_us_minilm",
                    closed(1, warmup, phase, () -> infer.infer(minilm)).p50Us());

            // batched and unbatched alternate twice (the model reloaded in between); medians are kept
            var repo = ModelRepositoryServiceGrpc.newBlockingStub(s.channel());
            ModelConfig original = repo.getModel(GetModelRequest.newBuilder()
                            .setName("mlp-classifier")
                            .build())
                    .getConfig();
            ModelConfig unbatched = original.toBuilder().setMaxBatchSize(1).build();
            double[] batchedQps = new double[2];
            double[] unbatchedQps = new double[2];
            double meanBatch = 1;
            int instances = 1;
            for (int round = 0; round < 2; round++) {
                repo.loadModel(LoadModelRequest.newBuilder()
                        .setName("mlp-classifier")
                        .setConfigOverride(original)
                        .build());
                setBatching(scheduler, "mlp-classifier", 0);
                batchedQps[round] =
                        closed(32, warmup, phase, () -> infer.infer(mlp)).qps();
                ModelSchedulerStats stats = scheduler
                        .getStats(GetStatsRequest.newBuilder()
                                .addModelNames("mlp-classifier")
                                .build())
                        .getModels(0);
                meanBatch = meanBatch(stats);
                instances = stats.getInstances().getCurrent();
                repo.loadModel(LoadModelRequest.newBuilder()
                        .setName("mlp-classifier")
                        .setConfigOverride(unbatched)
                        .build());
                unbatchedQps[round] =
                        closed(32, warmup, phase, () -> infer.infer(mlp)).qps();
            }
            double batchedMedian = (batchedQps[0] + batchedQps[1]) / 2;
            double unbatchedQpsMedian = (unbatchedQps[0] + unbatchedQps[1]) / 2;
            served.put("c32_qps_mlp_batched", round(batchedMedian));
            served.put("c32_mean_batch_mlp", round(meanBatch));
            served.put("c32_instances_mlp", instances);
            served.put("c32_qps_mlp_unbatched", round(unbatchedQpsMedian));

            ObjectNode priority = served.putObject("priority_minilm");
            setTwoLevels(scheduler, "all-MiniLM-L6-v2");
            InferRequest high = minilm.toBuilder().setPriority(1).build();
            InferRequest low = minilm.toBuilder().setPriority(2).build();
            double capacity = closed(16, warmup, phase, () -> infer.infer(low)).qps();
            double unloadedP99 =
                    closed(1, warmup, phase, () -> infer.infer(high)).p99Us();
            org.HdrHistogram.Recorder serverSide = new org.HdrHistogram.Recorder(3);
            org.HdrHistogram.Recorder serverQueue = new org.HdrHistogram.Recorder(3);
            org.HdrHistogram.Recorder serverCompute = new org.HdrHistogram.Recorder(3);
            LoadGenerator.LongCall mixed = i -> {
                ListenableFuture<io.llmaos.proto.v1.InferResponse> f = infer.infer(i % 10 == 0 ? high : low);
                if (i % 10 == 0) {
                    f.addListener(
                            () -> {
                                try {
                                    io.llmaos.proto.v1.ServerTiming t = f.get().getTiming();
                                    serverSide.recordValue(Math.max(1, t.getTotalTimeUs()));
                                    serverQueue.recordValue(Math.max(1, t.getQueueTimeUs()));
                                    serverCompute.recordValue(Math.max(1, t.getComputeTimeUs()));
                                } catch (Exception ignored) {
                                    // counted as a failure by the generator
                                }
                            },
                            Runnable::run);
                }
                return f;
            };
            // a first overload round compiles what only overload runs (rejections, the priority
            // order under a full queue); the second is measured
            LoadGenerator.Run first = LoadGenerator.openLoop(2 * capacity, phase, mixed, i -> i % 10 == 0);
            priority.put("p1_first_overload_round_p99_us", first.p99Us());
            serverSide.reset();
            serverQueue.reset();
            serverCompute.reset();
            LoadGenerator.Run overload = LoadGenerator.openLoop(2 * capacity, phase, mixed, i -> i % 10 == 0);
            priority.put("capacity_qps", round(capacity));
            priority.put("offered_qps", round(2 * capacity));
            priority.put("p1_unloaded_p99_us", unloadedP99);
            priority.put("p1_overload_p99_us", overload.p99Us());
            priority.put(
                    "p1_overload_server_side_p99_us",
                    serverSide.getIntervalHistogram().getValueAtPercentile(99));
            priority.put(
                    "p1_overload_server_queue_p99_us",
                    serverQueue.getIntervalHistogram().getValueAtPercentile(99));
            priority.put(
                    "p1_overload_server_compute_p99_us",
                    serverCompute.getIntervalHistogram().getValueAtPercentile(99));
            priority.put("p1_answered", overload.latencyUs().getTotalCount());
            priority.set("failures", json.valueToTree(overload.failed()));

            try (InProcessBaseline base = new InProcessBaseline(models)) {
                inProcess.put("mlp_batch1_p50_us", base.mlpLatency(1, 20000).getValueAtPercentile(50));
                int b = (int) Math.max(1, Math.round(meanBatch));
                inProcess.put(
                        "mlp_rows_per_s_at_batch_" + b, round(base.mlpRowsPerSecond(b, Math.max(1, instances), phase)));
                inProcess.put("minilm_p50_us", base.minilmLatency(SENTENCE, 300).getValueAtPercentile(50));
                double engineLimit =
                        inProcess.get("mlp_rows_per_s_at_batch_" + b).asDouble();

                double overheadMlp = (served.get("c1_p50_us_mlp").asDouble()
                                - inProcess.get("mlp_batch1_p50_us").asDouble())
                        / echo.get("c1_p50_us_mlp_payload").asDouble();
                double overheadMinilm = (served.get("c1_p50_us_minilm").asDouble()
                                - inProcess.get("minilm_p50_us").asDouble())
                        / echo.get("c1_p50_us_minilm_payload").asDouble();
                goal(goals, "a_overhead_mlp", overheadMlp, "<= 1.3", overheadMlp <= 1.3);
                goal(goals, "a_overhead_minilm", overheadMinilm, "<= 1.3", overheadMinilm <= 1.3);
                double efficiency =
                        batchedMedian / Math.min(echo.get("c32_qps_fixed_pool").asDouble(), engineLimit);
                goal(goals, "b_efficiency_mlp", efficiency, ">= 0.85", efficiency >= 0.85);
                double gain = batchedMedian / unbatchedQpsMedian;
                goal(goals, "c_batching_gain_mlp", gain, ">= 1.0", round(gain) >= 1.0);
                double ratio = overload.p99Us() / Math.max(1, unloadedP99);
                goal(goals, "d_priority_p99_ratio_minilm", ratio, "<= 2", ratio <= 2.0);
            }
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    private static LoadGenerator.Run echo(
            ManagedChannel channel, InferRequest payload, int concurrency, Duration warmup, Duration phase)
            throws InterruptedException {
        byte[] bytes = payload.toByteArray();
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

    private static void setTwoLevels(SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler, String model) {
        scheduler.setPolicy(SetPolicyRequest.newBuilder()
                .setPolicy(SchedulingPolicy.newBuilder()
                        .setModelName(model)
                        .setQueue(QueuePolicy.newBuilder()
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(1).setMaxQueueSize(256))
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(2).setMaxQueueSize(32))
                                .setDefaultPriority(2)))
                .build());
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

    private static InferRequest mlpRequest() {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (int i = 0; i < 16; i++) {
            c.addFp32Contents(i / 16f);
        }
        return InferRequest.newBuilder()
                .setModelName("mlp-classifier")
                .addInputs(Tensor.newBuilder()
                        .setName("features")
                        .setDatatype(DataType.FP32)
                        .addShape(1)
                        .addShape(16)
                        .setContents(c))
                .build();
    }

    private static InferRequest textRequest() {
        return InferRequest.newBuilder()
                .setModelName("all-MiniLM-L6-v2")
                .addInputs(Tensor.newBuilder()
                        .setName("text")
                        .setDatatype(DataType.BYTES)
                        .addShape(1)
                        .setContents(TensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(SENTENCE, StandardCharsets.UTF_8))))
                .build();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
