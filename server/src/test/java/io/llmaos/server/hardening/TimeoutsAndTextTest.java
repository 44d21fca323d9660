package io.llmaos.server.hardening;

import static io.llmaos.server.hardening.MalformedRequestsTest.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LevelStats;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.TenantStats;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts follow one rule on every call, deadlines never overflow, an admitted request always gives
 * its hold back, and texts are bounded before anything tokenizes them.
 */
class TimeoutsAndTextTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv,all-MiniLM-L6-v2");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Duration seconds(long s, int nanos) {
        return Duration.newBuilder().setSeconds(s).setNanos(nanos).build();
    }

    private static GenerateRequest.Builder generate(String text, int tokens) {
        return GenerateRequest.newBuilder()
                .setModelName("gpt-kjv")
                .setText(text)
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(tokens));
    }

    @Test
    void timeoutsFollowOneRuleAndHugeOnesSaturate() {
        var inference = server.inference();
        InferRequest row = DemoRequests.mlpRequest("mlp-classifier");
        for (Duration bad :
                List.of(seconds(-5, 0), seconds(0, -1), seconds(0, 2_000_000_000), seconds(1_000_000_000_000L, 0))) {
            assertCode(
                    Status.Code.INVALID_ARGUMENT,
                    () -> inference.infer(row.toBuilder().setTimeout(bad).build()));
            assertCode(
                    Status.Code.INVALID_ARGUMENT,
                    () -> inference
                            .generate(generate("And", 2).setTimeout(bad).build())
                            .next());
        }
        // the largest Duration there is: accepted, and added to the clock without overflowing
        Duration longest = seconds(315_576_000_000L, 999_999_999);
        assertEquals(
                2, inference.infer(row.toBuilder().setTimeout(longest).build()).getOutputsCount());
        List<GenerateResponse> answers = new ArrayList<>();
        inference.generate(generate("And", 3).setTimeout(longest).build()).forEachRemaining(answers::add);
        assertTrue(answers.get(answers.size() - 1).hasUsage());
        ModelInferRequest oip = io.llmaos.server.DemoRequests.oipMlp("mlp-classifier").toBuilder()
                .putParameters(
                        "timeout",
                        io.llmaos.proto.oip.InferParameter.newBuilder()
                                .setInt64Param(Long.MAX_VALUE)
                                .build())
                .build();
        server.oip().modelInfer(oip);

        // nothing is left held: no request in flight, and the models unload at once
        for (String model : List.of("mlp-classifier", "gpt-kjv")) {
            assertIdle(model);
            server.repository()
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .unloadModel(UnloadModelRequest.newBuilder().setName(model).build());
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder().setName(model).build());
        }
    }

    @Test
    void textsAreBoundedBeforeTheyAreTokenized() {
        var inference = server.inference().withDeadlineAfter(10, TimeUnit.SECONDS);
        byte[] huge = new byte[10 << 20];
        java.util.Arrays.fill(huge, (byte) 'a');
        InferRequest embed = InferRequest.newBuilder()
                .setModelName("all-MiniLM-L6-v2")
                .addInputs(Tensor.newBuilder()
                        .setName("text")
                        .setDatatype(DataType.BYTES)
                        .addShape(1)
                        .setContents(TensorContents.newBuilder().addBytesContents(ByteString.copyFrom(huge))))
                .build();
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class, () -> inference.infer(embed));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("--max-element-bytes"),
                e.getStatus().getDescription());
        // the same element as raw OIP contents
        ByteBuffer rawElement = ByteBuffer.allocate(4 + huge.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(huge.length)
                .put(huge)
                .flip();
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> server.oip()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .modelInfer(DemoRequests.minilmRaw(ByteString.copyFrom(rawElement))));
        // a prompt over --max-prompt-bytes is refused untouched; one under it is tokenized, then refused
        // for its length, in far less than the deadline
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> inference
                        .generate(generate("a".repeat(10 << 20), 4).build())
                        .next());
        StatusRuntimeException tooLong = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> inference
                        .generate(generate("And God said. ".repeat(10_000), 4).build())
                        .next());
        assertEquals(Status.Code.INVALID_ARGUMENT, tooLong.getStatus().getCode());
        assertTrue(
                tooLong.getStatus().getDescription().contains("tokens"),
                tooLong.getStatus().getDescription());
        // too many or too long stop sequences
        SamplingParams.Builder stops = SamplingParams.newBuilder();
        for (int i = 0; i < 17; i++) {
            stops.addStopSequences("stop" + i);
        }
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> inference
                        .generate(generate("And", 2).setSampling(stops).build())
                        .next());
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> inference
                        .generate(generate("And", 2)
                                .setSampling(SamplingParams.newBuilder().addStopSequences("x".repeat(2000)))
                                .build())
                        .next());
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> inference
                        .generate(generate("And", 2)
                                .setSampling(SamplingParams.newBuilder().setTemperature(Float.POSITIVE_INFINITY))
                                .build())
                        .next());
        // ordinary text still embeds
        assertEquals(
                384,
                inference
                        .infer(embed.toBuilder()
                                .setInputs(
                                        0,
                                        embed.getInputs(0).toBuilder()
                                                .setContents(TensorContents.newBuilder()
                                                        .addBytesContents(ByteString.copyFromUtf8("Hello world"))))
                                .build())
                        .getOutputs(0)
                        .getContents()
                        .getFp32ContentsCount());
    }

    @Test
    void generationStatisticsShowRunningSequencesByLevelAndTenant() throws Exception {
        var async = InferenceServiceGrpc.newStub(server.channel());
        int streams = 6;
        CountDownLatch done = new CountDownLatch(streams);
        for (int i = 0; i < streams; i++) {
            async.generate(
                    generate("And it came to pass", 400)
                            .setSampling(SamplingParams.newBuilder()
                                    .setMaxNewTokens(400)
                                    .setIgnoreEos(true))
                            .build(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(GenerateResponse value) {}

                        @Override
                        public void onError(Throwable t) {
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            done.countDown();
                        }
                    });
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> {
            ModelSchedulerStats s = stats("gpt-kjv");
            int levels =
                    s.getLevelsList().stream().mapToInt(LevelStats::getInFlight).sum();
            int tenants = s.getTenantsList().stream()
                    .mapToInt(TenantStats::getInFlight)
                    .sum();
            return levels > 0 && levels == tenants;
        });
        assertTrue(done.await(60, TimeUnit.SECONDS));
        Awaitility.await()
                .atMost(10, TimeUnit.SECONDS)
                .until(() -> stats("gpt-kjv").getLevelsList().stream()
                                .mapToLong(LevelStats::getCompleted)
                                .sum()
                        >= streams);
        assertIdle("gpt-kjv");
    }

    private static ModelSchedulerStats stats(String model) {
        return stats(server, model);
    }

    private static ModelSchedulerStats stats(TestServer server, String model) {
        return SchedulerServiceGrpc.newBlockingStub(server.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(model).build())
                .getModels(0);
    }

    static void assertIdle(String model) {
        assertIdle(server, model);
    }

    /** No request of {@code model} queued or in flight on {@code server}, at any level or tenant. */
    static void assertIdle(TestServer server, String model) {
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            ModelSchedulerStats s = stats(server, model);
            for (LevelStats l : s.getLevelsList()) {
                assertEquals(0, l.getInFlight() + l.getQueueDepth(), model + " level " + l.getLevel());
            }
            for (TenantStats t : s.getTenantsList()) {
                assertEquals(0, t.getInFlight() + t.getQueueDepth(), model + " tenant " + t.getTenant());
            }
        });
    }
}
