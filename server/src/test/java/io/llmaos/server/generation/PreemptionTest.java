package io.llmaos.server.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.proto.v1.FinishReason;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.server.TestServer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With room for one active sequence and preemption on, a high-priority sequence preempts a running
 * low-priority one, finishes first, and the preempted one is recomputed and completes with exactly
 * the tokens it would have made alone.
 */
class PreemptionTest {
    private static final String MODEL = "gpt-kjv";

    @Test
    void aHigherPriorityPreemptsAndTheLowerIsRecomputedExactly() throws Exception {
        int metricsPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            metricsPort = socket.getLocalPort();
        }
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS,
                MODEL,
                java.util.Map.of(io.llmaos.server.config.Setting.METRICS_PORT, String.valueOf(metricsPort)))) {
            ModelConfig config = server.repository()
                    .getModel(GetModelRequest.newBuilder().setName(MODEL).build())
                    .getConfig();
            ModelConfig.Builder one = config.toBuilder();
            one.getGenerationBuilder().setMaxActiveSequences(1).setPreemptLowestPriority(true);
            one.setQueue(QueuePolicy.newBuilder()
                    .addLevels(PriorityLevel.newBuilder().setLevel(1))
                    .addLevels(PriorityLevel.newBuilder().setLevel(2))
                    .setDefaultPriority(2));
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder()
                            .setName(MODEL)
                            .setConfigOverride(one)
                            .build());

            GenerateRequest low = GenerateRequest.newBuilder()
                    .setModelName(MODEL)
                    .setText("And it came to pass")
                    .setPriority(2)
                    .setSampling(
                            SamplingParams.newBuilder().setMaxNewTokens(300).setIgnoreEos(true))
                    .build();
            List<Long> alone = ids(server.inference().generate(low), null);

            List<Long> order = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<List<Long>> lowRun =
                    CompletableFuture.supplyAsync(() -> ids(server.inference().generate(low), () -> order.add(2L)));
            // the low one is running (active at level 2) before the high one arrives
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (activeAtLevel2(server) == 0 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(1, activeAtLevel2(server), "the low-priority sequence is decoding");
            GenerateRequest high = GenerateRequest.newBuilder()
                    .setModelName(MODEL)
                    .setText("The LORD is")
                    .setPriority(1)
                    .setSampling(SamplingParams.newBuilder().setMaxNewTokens(20).setIgnoreEos(true))
                    .build();
            ids(server.inference().generate(high), () -> order.add(1L));
            List<Long> preempted = lowRun.get(60, TimeUnit.SECONDS);
            assertEquals(List.of(1L, 2L), order, "the high-priority sequence finished first");
            assertEquals(alone, preempted, "the preempted sequence, recomputed, made the same tokens");
            assertEquals(300, preempted.size());
            String scrape = io.llmaos.server.telemetry.MetricsScrapeTest.scrape(metricsPort);
            assertTrue(
                    io.llmaos.server.telemetry.MetricsScrapeTest.value(
                                    scrape, "llmaos_generation_preemptions_total", "model=\"" + MODEL + "\"")
                            >= 1,
                    "the preemption is counted");
            assertEquals(
                    0,
                    io.llmaos.server.telemetry.MetricsScrapeTest.value(
                            scrape, "llmaos_generation_cached_tokens", "model=\"" + MODEL + "\""),
                    "no sequence holds cache tokens once all ended");
        }
    }

    private static int activeAtLevel2(TestServer server) {
        return SchedulerServiceGrpc.newBlockingStub(server.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(MODEL).build())
                .getModels(0)
                .getLevels(1)
                .getInFlight();
    }

    private static List<Long> ids(Iterator<GenerateResponse> stream, Runnable onEnd) {
        List<Long> ids = new ArrayList<>();
        GenerateResponse last = null;
        while (stream.hasNext()) {
            last = stream.next();
            last.getTokensList().forEach(t -> ids.add(t.getTokenId()));
        }
        assertTrue(last != null && last.getFinishReason() == FinishReason.LENGTH, String.valueOf(last));
        if (onEnd != null) {
            onEnd.run();
        }
        return ids;
    }
}
