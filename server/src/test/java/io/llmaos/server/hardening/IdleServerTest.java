package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.server.ChildServer;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Idle is idle: the server with the four demo models, left alone past a short scale_down_idle after
 * some traffic, uses almost no CPU. A worker that polled once idle (the 1 ns wait of the adversarial
 * run) or a ticker running without work would show here.
 */
class IdleServerTest {
    private static final List<String> MODELS = List.of("mlp-classifier", "tf-dense", "all-MiniLM-L6-v2", "gpt-kjv");

    @Test
    void anIdleServerPastScaleDownIdleUsesUnderTwoPercentOfACore() throws Exception {
        int metricsPort;
        int httpPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0);
                java.net.ServerSocket h = new java.net.ServerSocket(0)) {
            metricsPort = s.getLocalPort();
            httpPort = h.getLocalPort();
        }
        // every listener of a default server: gRPC, the Prometheus endpoint and HTTP
        try (ChildServer server = ChildServer.start(
                List.of(),
                "--models",
                TestServer.DEMO_MODELS.toString(),
                "--metrics-port",
                String.valueOf(metricsPort),
                "--http-port",
                String.valueOf(httpPort))) {
            ManagedChannel channel = server.channel();
            try {
                for (String model : MODELS) {
                    SchedulerServiceGrpc.newBlockingStub(channel)
                            .setPolicy(SetPolicyRequest.newBuilder()
                                    .setPolicy(SchedulingPolicy.newBuilder()
                                            .setModelName(model)
                                            .setInstances(InstancePolicy.newBuilder()
                                                    .setMin(1)
                                                    .setMax(2)
                                                    .setThreadsPerInstance(1)
                                                    .setScaleDownIdle(Duration.newBuilder()
                                                            .setNanos(300_000_000))))
                                    .build());
                }
                var inference = InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
                for (int i = 0; i < 50; i++) {
                    inference.infer(DemoRequests.mlpRequest("mlp-classifier"));
                    inference.infer(DemoRequests.denseRequest("tf-dense"));
                }
                inference
                        .generate(GenerateRequest.newBuilder()
                                .setModelName("gpt-kjv")
                                .setText("And God said")
                                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(8))
                                .build())
                        .forEachRemaining(r -> {});
                // the scrape endpoint is on, as in a default server, and answers
                assertTrue(io.llmaos.server.telemetry.MetricsScrapeTest.scrape(metricsPort)
                        .contains("llmaos_requests_total"));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            // past scale_down_idle, and past the JIT compiling what the traffic ran
            Thread.sleep(3000);
            long before = cpuTicks(server.pid());
            long start = System.nanoTime();
            Thread.sleep(10_000);
            long ticks = cpuTicks(server.pid()) - before;
            double seconds = (System.nanoTime() - start) / 1e9;
            double share = ticks / 100.0 / seconds;
            System.out.printf("idle server: %.2f%% of a core over %.1f s%n", share * 100, seconds);
            assertTrue(
                    share < 0.02,
                    String.format(
                            "the idle server used %.1f%% of a core (%d ticks in %.1f s)", share * 100, ticks, seconds));
        }
    }

    /** utime + stime of the process, in clock ticks (100 per second). */
    static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
