package io.llmaos.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.FinishReason;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferStreamResponse;
import io.llmaos.proto.v1.ModelEvent;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerStats;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every SDK method against a real server on the demo models. */
class LlmaosClientTest {
    private static TestServer server;
    private static LlmaosClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv");
        client = LlmaosClient.builder()
                .target("127.0.0.1:" + server.server().port())
                .tenant("team-a")
                .defaultDeadline(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    static InferRequest mlp() {
        float[] row = new float[16];
        for (int i = 0; i < 16; i++) {
            row[i] = i / 16f;
        }
        return InferRequest.newBuilder()
                .setModelName("mlp-classifier")
                .setRequestId("q")
                .addInputs(Tensors.fp32("features", new long[] {1, 16}, row))
                .build();
    }

    @Test
    void inferSyncAsyncAndStreamAgree() throws Exception {
        InferResponse sync = client.infer(mlp());
        InferResponse async = client.inferAsync(mlp()).get(30, TimeUnit.SECONDS);
        assertAgree(sync, async);

        BlockingQueue<InferStreamResponse> answers = new ArrayBlockingQueue<>(8);
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<InferRequest> requests = client.inferStream(new StreamObserver<>() {
            @Override
            public void onNext(InferStreamResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        requests.onNext(mlp().toBuilder().setRequestId("s1").build());
        requests.onNext(mlp().toBuilder().setRequestId("s2").build());
        requests.onCompleted();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(2, answers.size());
        for (InferStreamResponse a : answers) {
            // two stream requests may be joined into one batch: scores agree to float rounding, labels exactly
            assertAgree(sync, a.getResponse());
        }
        assertTrue(sync.getOutputsCount() > 0);
    }

    private static void assertAgree(InferResponse expected, InferResponse actual) {
        assertEquals(expected.getOutputsCount(), actual.getOutputsCount());
        for (int i = 0; i < expected.getOutputsCount(); i++) {
            var e = expected.getOutputs(i);
            var a = actual.getOutputs(i);
            assertEquals(e.getName(), a.getName());
            assertEquals(e.getShapeList(), a.getShapeList());
            assertEquals(e.getContents().getBytesContentsList(), a.getContents().getBytesContentsList());
            assertEquals(e.getContents().getFp32ContentsCount(), a.getContents().getFp32ContentsCount());
            for (int j = 0; j < e.getContents().getFp32ContentsCount(); j++) {
                assertEquals(e.getContents().getFp32Contents(j), a.getContents().getFp32Contents(j), 1e-5);
            }
        }
    }

    @Test
    void errorsAreTyped() {
        LlmaosClientException.NotFound missing =
                assertThrows(LlmaosClientException.NotFound.class, () -> client.getModel("no-such-model"));
        assertTrue(missing.getMessage().contains("no-such-model"));
        LlmaosClientException.InvalidArgument bad = assertThrows(
                LlmaosClientException.InvalidArgument.class,
                () -> client.infer(
                        InferRequest.newBuilder().setModelName("mlp-classifier").build()));
        assertTrue(bad.violations().size() > 0, bad.getMessage());
        CompletableFuture<InferResponse> failed =
                client.inferAsync(InferRequest.newBuilder().setModelName("x").build());
        Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, failed::get)
                .getCause();
        assertTrue(cause instanceof LlmaosClientException, String.valueOf(cause));
    }

    @Test
    void generateStreamsTokensAsTheyAreMadeAndCanBeCancelled() {
        GenerateRequest r = GenerateRequest.newBuilder()
                .setModelName("gpt-kjv")
                .setText("In the beginning")
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(64))
                .build();
        List<Long> arrivals = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        GenerateResponse last = null;
        try (LlmaosClient.GenerationStream stream = client.generate(r)) {
            while (stream.hasNext()) {
                last = stream.next();
                arrivals.add(System.nanoTime());
                last.getTokensList().forEach(t -> text.append(t.getText()));
            }
        }
        assertEquals(FinishReason.EOS, last.getFinishReason());
        assertEquals(" of the congregation of the LORD.", text.toString());
        assertTrue(arrivals.size() > 1, "tokens came in several messages, not one at the end");
        assertTrue(arrivals.get(0) < arrivals.get(arrivals.size() - 1), "the first token arrived before the last");

        // the callback form, cancelled after the first message
        GenerateRequest endless = r.toBuilder()
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(400).setIgnoreEos(true))
                .build();
        CompletableFuture<LlmaosClientException> end = new CompletableFuture<>();
        List<GenerateResponse> got = new ArrayList<>();
        Runnable[] cancel = new Runnable[1];
        CountDownLatch first = new CountDownLatch(1);
        cancel[0] = client.generate(
                endless,
                m -> {
                    got.add(m);
                    first.countDown();
                },
                e -> end.complete(e));
        try {
            assertTrue(first.await(30, TimeUnit.SECONDS));
            cancel[0].run();
            LlmaosClientException e = end.get(30, TimeUnit.SECONDS);
            assertTrue(e instanceof LlmaosClientException.Cancelled, String.valueOf(e));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertTrue(got.stream().mapToInt(GenerateResponse::getTokensCount).sum() < 400);
    }

    @Test
    void modelsSchedulerAndResources() throws Exception {
        assertTrue(client.isServing());
        assertTrue(client.listModels().getModelsList().stream()
                .anyMatch(m -> m.getName().equals("tf-dense")));
        assertEquals(
                "mlp-classifier", client.getModel("mlp-classifier").getSummary().getName());

        BlockingQueue<ModelEvent> events = new ArrayBlockingQueue<>(64);
        Runnable stopWatch = client.watchModels(events::add, e -> {});
        client.loadModel("tf-dense");
        ModelEvent ready = events.poll(30, TimeUnit.SECONDS);
        while (ready != null
                && !(ready.getName().equals("tf-dense")
                        && ready.getStatus().getState().name().equals("READY"))) {
            ready = events.poll(30, TimeUnit.SECONDS);
        }
        assertTrue(ready != null, "the watch saw tf-dense become READY");
        client.unloadModel("tf-dense");
        stopWatch.run();

        client.infer(mlp());
        SchedulerStats stats = client.schedulerStats("mlp-classifier");
        assertEquals("mlp-classifier", stats.getModels(0).getModelName());
        assertTrue(
                stats.getModels(0).getTenantsList().stream()
                        .anyMatch(t -> t.getTenant().equals("team-a")),
                "calls are accounted to the client's tenant: "
                        + stats.getModels(0).getTenantsList());
        SchedulingPolicy policy = client.policy("mlp-classifier");
        SchedulingPolicy applied = client.setPolicy(policy.toBuilder()
                .setDynamicBatching(policy.getDynamicBatching().toBuilder().setMaxQueueDelayUs(250))
                .build());
        assertEquals(250, applied.getDynamicBatching().getMaxQueueDelayUs());
        assertEquals(applied, client.policy("mlp-classifier"), "the policy set is the policy in force");

        ResourceSnapshot snapshot = client.resources();
        assertTrue(snapshot.getMemory().getTotalBytes() > 0);
        BlockingQueue<Object> streamed = new ArrayBlockingQueue<>(16);
        Runnable stopStats = client.watchStats(Duration.ofMillis(100), streamed::add, e -> {});
        Runnable stopResources = client.watchResources(Duration.ofMillis(100), streamed::add, e -> {});
        for (int i = 0; i < 4; i++) {
            assertTrue(streamed.poll(30, TimeUnit.SECONDS) != null);
        }
        stopStats.run();
        stopResources.run();
    }

    @Test
    void roundRobinSpreadsCallsOverTwoServers() throws Exception {
        try (TestServer second = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier");
                LlmaosClient both = LlmaosClient.builder()
                        .targets(List.of(
                                "127.0.0.1:" + server.server().port(),
                                "127.0.0.1:" + second.server().port()))
                        .tenant("spread")
                        .build()) {
            for (int i = 0; i < 20; i++) {
                both.infer(mlp());
            }
            assertTrue(
                    completed(server) > 0 && completed(second) > 0,
                    "first: " + completed(server) + ", second: " + completed(second));
        }
    }

    @Test
    void aDnsNameIsBalancedOverWhatItResolvesTo() {
        // a headless Service's name resolves to every ready pod; here one address, through the DNS resolver
        assertTrue(ClientChannels.balanced(List.of("dns:///llmaos-headless:8001")));
        assertTrue(ClientChannels.balanced(List.of("a:1", "b:2")));
        assertFalse(ClientChannels.balanced(List.of("127.0.0.1:8001")));
        try (LlmaosClient viaDns = LlmaosClient.builder()
                .target("dns:///localhost:" + server.server().port())
                .build()) {
            assertTrue(viaDns.infer(mlp()).getOutputsCount() > 0);
        }
    }

    private static long completed(TestServer s) {
        try (LlmaosClient c =
                LlmaosClient.builder().target("127.0.0.1:" + s.server().port()).build()) {
            return c.schedulerStats("mlp-classifier").getModels(0).getTenantsList().stream()
                    .filter(t -> t.getTenant().equals("spread"))
                    .mapToLong(t -> t.getCompleted())
                    .sum();
        }
    }

    @Test
    void idempotentCallsAnsweredUnavailableAreRetried() {
        // tf-dense is in the repository but not loaded: Infer is answered UNAVAILABLE
        InferRequest unloaded = InferRequest.newBuilder()
                .setModelName("tf-dense")
                .addInputs(Tensors.fp32("x", new long[] {1, 4}, 1, 2, 3, 4))
                .build();
        long once = bytesReceivedFor(1, unloaded);
        long thrice = bytesReceivedFor(3, unloaded);
        assertTrue(once > 0);
        assertEquals(3 * once, thrice, "three attempts reached the server");
    }

    private static long bytesReceivedFor(int attempts, InferRequest request) {
        try (LlmaosClient c = LlmaosClient.builder()
                .target("127.0.0.1:" + server.server().port())
                .maxAttempts(attempts)
                .build()) {
            long before = c.resources().getNetwork().getBytesReceived();
            assertThrows(LlmaosClientException.Unavailable.class, () -> c.infer(request));
            return c.resources().getNetwork().getBytesReceived() - before;
        }
    }

    @Test
    void aBuilderWithoutTargetsIsRefused() {
        assertThrows(IllegalStateException.class, () -> LlmaosClient.builder().build());
        assertThrows(
                IllegalArgumentException.class, () -> LlmaosClient.builder().target("no-port"));
        assertNull(null);
    }
}
