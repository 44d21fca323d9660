package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.SettableFuture;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.SelfSignedCertificate;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.UnloadModelRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak of issue 14: a server with bearer tokens and TLS under mixed load for many minutes:
 * Infer on the MLP in an open loop at 70% of its capacity beside the rest of the mix, two Generate streams
 * back to back on gpt-kjv, and a load and unload of tf-dense every 30 s. Every minute it samples
 * the server's RSS, heap, threads and file descriptors and the minute's Infer p99; it prints the
 * samples and the drift from the first measured minute to the last (goals: RSS within 5%, p99
 * within 10%).
 *
 * <p>Run: {@code loadtest/bin/soak [minutes]} (default 30).
 */
public final class Soak {
    private static final String TOKEN = "soak-admin-token";

    private Soak() {}

    public static void main(String[] args) throws Exception {
        String serverClasspath = args[0];
        Path models = Path.of(args[1]).toAbsolutePath().normalize();
        int minutes = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("llmaos-soak");
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        Path tokens = Files.writeString(dir.resolve("tokens"), sha256(TOKEN) + " soak admin\n");
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "soak");
        report.put("minutes", minutes);
        try (ServerProcess s = ServerProcess.start(
                serverClasspath,
                ServerProcess.benchmarkJvmOptions(),
                List.of(
                        "--models", models.toString(),
                        "--load-models", "mlp-classifier,gpt-kjv",
                        "--auth-tokens", tokens.toString(),
                        "--tls-cert", cert.certificate().toString(),
                        "--tls-key", cert.privateKey().toString()))) {
            ManagedChannel tls = NettyChannelBuilder.forAddress("127.0.0.1", s.port())
                    .overrideAuthority("localhost")
                    .sslContext(GrpcSslContexts.forClient()
                            .trustManager(cert.certificate())
                            .build())
                    .build();
            Metadata auth = new Metadata();
            auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
            var channel = ClientInterceptors.intercept(tls, MetadataUtils.newAttachHeadersInterceptor(auth));
            var infer = InferenceServiceGrpc.newFutureStub(channel);
            var mlp = BenchRequests.mlp(1);
            JitWarmup.untilQuiet(
                    s::compilerTicks,
                    round -> LoadGenerator.closedLoop(8, Duration.ZERO, round, () -> infer.infer(mlp)),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(90));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong tokensOut = new AtomicLong();
            AtomicLong cycles = new AtomicLong();
            List<Thread> background = List.of(
                    loop("soak-generate-1", running, () -> generate(channel, tokensOut)),
                    loop("soak-generate-2", running, () -> generate(channel, tokensOut)),
                    loop("soak-load-cycle", running, () -> loadCycle(channel, cycles)));
            background.forEach(Thread::start);
            // capacity with the generation and the load cycles running beside it, so 70% is of the mix
            double capacity = LoadGenerator.closedLoop(
                            8, Duration.ofSeconds(5), Duration.ofSeconds(30), () -> infer.infer(mlp))
                    .qps();
            double rate = 0.7 * capacity;
            report.put("infer_capacity_qps", InferenceBenchmark.round(capacity));
            report.put("infer_rate_qps", InferenceBenchmark.round(rate));
            List<org.HdrHistogram.Histogram> perMinute = new java.util.ArrayList<>();
            ArrayNode samples = report.putArray("samples");
            var resources = ResourceServiceGrpc.newBlockingStub(channel);
            for (int m = 0; m < minutes; m++) {
                LoadGenerator.Run run =
                        LoadGenerator.openLoop(rate, Duration.ofMinutes(1), i -> infer.infer(mlp), i -> true);
                var memory = resources
                        .getResources(GetResourcesRequest.getDefaultInstance())
                        .getMemory();
                perMinute.add(run.latencyUs());
                ObjectNode sample = samples.addObject();
                sample.put("minute", m + 1);
                sample.put("rss_mib", memory.getProcessRssBytes() >> 20);
                sample.put("heap_used_mib", memory.getJvmHeapUsedBytes() >> 20);
                sample.put("threads", s.threads());
                sample.put("fds", s.openFiles());
                sample.put("infer_qps", InferenceBenchmark.round(run.qps()));
                sample.put("infer_p50_us", run.p50Us());
                sample.put("infer_p99_us", run.p99Us());
                sample.put(
                        "infer_failures",
                        run.failed().values().stream()
                                .mapToLong(Long::longValue)
                                .sum());
                sample.put("tokens_generated", tokensOut.get());
                sample.put("load_unload_cycles", cycles.get());
                System.err.println(sample);
            }
            running.set(false);
            for (Thread t : background) {
                t.join(120_000);
            }
            tls.shutdownNow();
            drift(report, samples, perMinute);
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    /**
     * Drift from the start to the end: RSS, heap, threads and descriptors from the first minute's
     * sample to the last; p99 over the first sixth of the minutes merged against the last sixth
     * (at least one minute each), so one minute's hiccup does not decide it.
     */
    private static void drift(ObjectNode report, ArrayNode samples, List<org.HdrHistogram.Histogram> perMinute) {
        if (samples.size() < 2) {
            return;
        }
        var first = samples.get(0);
        var last = samples.get(samples.size() - 1);
        ObjectNode d = report.putObject("drift");
        for (String f : List.of("rss_mib", "heap_used_mib", "threads", "fds")) {
            d.put(f + "_first", first.get(f).asDouble());
            d.put(f + "_last", last.get(f).asDouble());
        }
        int k = Math.max(1, perMinute.size() / 6);
        double p99Start = merged(perMinute.subList(0, k)).getValueAtPercentile(99);
        double p99End = merged(perMinute.subList(perMinute.size() - k, perMinute.size()))
                .getValueAtPercentile(99);
        d.put("p99_window_minutes", k);
        d.put("infer_p99_us_start", p99Start);
        d.put("infer_p99_us_end", p99End);
        double rss =
                100.0 * (last.get("rss_mib").asDouble() / first.get("rss_mib").asDouble() - 1);
        double p99 = 100.0 * (p99End / p99Start - 1);
        d.put("rss_pct", InferenceBenchmark.round(rss));
        d.put("p99_pct", InferenceBenchmark.round(p99));
        d.put("rss_goal_met", rss <= 5);
        d.put("p99_goal_met", p99 <= 10);
    }

    private static org.HdrHistogram.Histogram merged(List<org.HdrHistogram.Histogram> minutes) {
        org.HdrHistogram.Histogram all = new org.HdrHistogram.Histogram(3);
        minutes.forEach(all::add);
        return all;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static Thread loop(String name, AtomicBoolean running, Step step) {
        Thread t = new Thread(
                () -> {
                    while (running.get()) {
                        try {
                            step.run();
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            System.err.println(name + ": " + e);
                        }
                    }
                },
                name);
        t.setDaemon(true);
        return t;
    }

    private static void generate(io.grpc.Channel channel, AtomicLong tokens) throws Exception {
        SettableFuture<Void> done = SettableFuture.create();
        InferenceServiceGrpc.newStub(channel)
                .generate(
                        GenerateRequest.newBuilder()
                                .setModelName("gpt-kjv")
                                .setText("And God said")
                                .setSampling(SamplingParams.newBuilder()
                                        .setMaxNewTokens(64)
                                        .setTemperature(0.8f))
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(GenerateResponse r) {
                                tokens.addAndGet(r.getTokensCount());
                            }

                            @Override
                            public void onError(Throwable t) {
                                done.setException(t);
                            }

                            @Override
                            public void onCompleted() {
                                done.set(null);
                            }
                        });
        done.get();
    }

    private static void loadCycle(io.grpc.Channel channel, AtomicLong cycles) throws Exception {
        var repo = ModelRepositoryServiceGrpc.newBlockingStub(channel);
        repo.loadModel(LoadModelRequest.newBuilder().setName("tf-dense").build());
        Thread.sleep(15_000);
        repo.unloadModel(UnloadModelRequest.newBuilder().setName("tf-dense").build());
        Thread.sleep(15_000);
        cycles.incrementAndGet();
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes()));
    }
}
