package io.llmaos.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import io.llmaos.server.fake.FakeBehaviour;
import io.llmaos.server.fake.FakeEngine;
import io.llmaos.server.fake.FakeModels;
import io.llmaos.server.model.engine.EngineType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler through the real server on {@code spin}, a test model that takes a few milliseconds
 * per batch whatever its size, so a few dozen requests saturate it.
 */
class SchedulingTest {
    private static final Path SPIN = Path.of("src", "test", "resources", "models", "spin");

    @TempDir
    Path dir;

    private TestServer spin(String config) throws Exception {
        TempRepository.copyTree(SPIN.resolve("1"), dir.resolve("spin/1"));
        Files.writeString(dir.resolve("spin/config.json"), config);
        return TestServer.start(dir, "spin");
    }

    private static String config(String queue, String more) {
        return "{\"kind\": \"TENSOR\", \"engine\": \"PYTORCH\", \"max_batch_size\": 1,"
                + " \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [64]}],"
                + " \"outputs\": [{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [64]}],"
                + " \"queue\": " + queue + more + "}";
    }

    static InferRequest request(int priority, String id) {
        return DemoRequests.spinRequest(priority, id);
    }

    private static ModelSchedulerStats stats(TestServer server) {
        return SchedulerServiceGrpc.newBlockingStub(server.channel())
                .getStats(GetStatsRequest.getDefaultInstance())
                .getModels(0);
    }

    private static long executedRows(ModelSchedulerStats s) {
        return s.getBatchSizesList().stream()
                .mapToLong(b -> b.getBatchSize() * b.getCount())
                .sum();
    }

    private static Status.Code code(ListenableFuture<?> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
            return Status.Code.OK;
        } catch (ExecutionException e) {
            return Status.fromThrowable(e.getCause()).getCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void higherPriorityOvertakesAQueueOfLowerPriority() throws Exception {
        try (TestServer server = spin(config(
                "{\"levels\": [{\"level\": 1, \"max_queue_size\": 100}," + " {\"level\": 2, \"max_queue_size\": 100}]}",
                ""))) {
            var stub = InferenceServiceGrpc.newFutureStub(server.channel());
            AtomicInteger order = new AtomicInteger();
            List<Integer> low = new ArrayList<>();
            List<Integer> high = new ArrayList<>();
            List<ListenableFuture<InferResponse>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ListenableFuture<InferResponse> f = stub.infer(request(2, "low" + i));
                f.addListener(() -> record(low, order), Runnable::run);
                all.add(f);
            }
            for (int i = 0; i < 5; i++) {
                ListenableFuture<InferResponse> f = stub.infer(request(1, "high" + i));
                f.addListener(() -> record(high, order), Runnable::run);
                all.add(f);
            }
            all.forEach(f -> assertEquals(Status.Code.OK, code(f)));
            int lastHigh = high.stream().mapToInt(Integer::intValue).max().orElseThrow();
            long lowAfter = low.stream().filter(p -> p > lastHigh).count();
            assertTrue(
                    lowAfter >= 15,
                    "only " + lowAfter + " of 30 low-priority requests finished after the high ones" + " (high at "
                            + high + ")");
        }
    }

    private static synchronized void record(List<Integer> into, AtomicInteger order) {
        into.add(order.incrementAndGet());
    }

    @Test
    void anExpiredRequestIsNeverExecuted() throws Exception {
        try (TestServer server = spin(config(
                "{\"levels\": [{\"level\": 1, \"max_queue_size\": 100,"
                        + " \"default_timeout\": \"0.030s\", \"timeout_action\": \"REJECT\"}]}",
                ""))) {
            var stub = InferenceServiceGrpc.newFutureStub(server.channel());
            List<ListenableFuture<InferResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                calls.add(stub.infer(request(0, "r" + i)));
            }
            for (ListenableFuture<InferResponse> f : calls) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("request " + calls.indexOf(f) + " was never answered; " + stats(server));
                } catch (ExecutionException e) {
                    // fine
                }
            }
            long ok = calls.stream().filter(f -> code(f) == Status.Code.OK).count();
            long expired = calls.stream()
                    .filter(f -> code(f) == Status.Code.DEADLINE_EXCEEDED)
                    .count();
            assertEquals(60, ok + expired);
            assertTrue(expired > 0, "60 requests of a few ms each with a 30 ms queue timeout: some must expire");
            ModelSchedulerStats s = stats(server);
            assertEquals(expired, s.getRejections().getTimedOut());
            assertEquals(ok, executedRows(s), "the engine ran exactly the requests that were answered");
        }
    }

    @Test
    void aCancelledRequestLeavesTheQueueAndIsNeverExecuted() throws Exception {
        try (TestServer server = spin(config("{\"levels\": [{\"level\": 1, \"max_queue_size\": 1000}]}", ""))) {
            var stub = InferenceServiceGrpc.newFutureStub(server.channel());
            List<ListenableFuture<InferResponse>> kept = new ArrayList<>();
            List<ListenableFuture<InferResponse>> cancelled = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                kept.add(stub.infer(request(0, "k" + i)));
            }
            for (int i = 0; i < 10; i++) {
                cancelled.add(stub.infer(request(0, "c" + i)));
            }
            // cancel once the server holds all of them, the cancelled ones at the back of the queue
            Awaitility.await()
                    .pollInterval(Duration.ofMillis(5))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> {
                        ModelSchedulerStats s = stats(server);
                        return s.getLevels(0).getQueueDepth()
                                        + s.getLevels(0).getInFlight()
                                        + s.getLevels(0).getCompleted()
                                >= 310;
                    });
            cancelled.forEach(f -> f.cancel(true));
            kept.forEach(f -> assertEquals(Status.Code.OK, code(f)));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> stats(server).getRejections().getCancelled() + executedRows(stats(server)) >= 310);
            ModelSchedulerStats s = stats(server);
            long gone = s.getRejections().getCancelled();
            assertEquals(310, gone + executedRows(s), "every request either ran or left unserved, once: " + s);
            assertTrue(gone >= 5, "most of the cancelled requests were still queued: " + gone + " left unserved");
        }
    }

    @Test
    void aFullQueueAnswersAtOnceWithAHint() throws Exception {
        // the fake engine's batch takes 200 ms, so all 30 arrive while one runs, however fast the machine
        FakeBehaviour slow = new FakeBehaviour();
        slow.executeDelayMillis = 200;
        FakeModels.tensor(
                dir,
                "slow",
                1,
                "\"instances\": {\"min\": 1, \"max\": 1},"
                        + " \"queue\": {\"levels\": [{\"level\": 1, \"max_queue_size\": 2}]}");
        try (TestServer server =
                TestServer.start(dir, "slow", Map.of(), List.of(new FakeEngine(EngineType.PYTORCH, slow)))) {
            var stub = InferenceServiceGrpc.newFutureStub(server.channel());
            List<ListenableFuture<InferResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                calls.add(stub.infer(DemoRequests.fakeRow("slow", 1, 2, 3, 4)));
            }
            long full = 0;
            for (ListenableFuture<InferResponse> f : calls) {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    Status status = Status.fromThrowable(e.getCause());
                    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
                    var details = StatusProto.fromThrowable(e.getCause()).getDetailsList();
                    assertTrue(details.stream().anyMatch(d -> d.is(RetryInfo.class)), "a retry hint");
                    assertTrue(details.stream().anyMatch(d -> d.is(ErrorInfo.class)));
                    full++;
                }
            }
            assertTrue(full >= 20, "30 requests at once into 1 running + 2 queued: " + full + " rejected");
            assertEquals(full, stats(server).getRejections().getQueueFull());
        }
    }

    @Test
    void tenantsWithWeightsThreeToOneShareThreeToOne() throws Exception {
        try (TestServer server = spin(config("{\"levels\": [{\"level\": 1, \"max_queue_size\": 1000}]}", ""))) {
            SchedulerServiceGrpc.newBlockingStub(server.channel())
                    .setPolicy(SetPolicyRequest.newBuilder()
                            .setPolicy(SchedulingPolicy.newBuilder()
                                    .setModelName("spin")
                                    .addTenants(TenantPolicy.newBuilder()
                                            .setName("gold")
                                            .setWeight(3))
                                    .addTenants(TenantPolicy.newBuilder()
                                            .setName("bronze")
                                            .setWeight(1)))
                            .build());
            Client gold = new Client(server, "gold");
            Client bronze = new Client(server, "bronze");
            gold.start(16);
            bronze.start(16);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> gold.done.get() + bronze.done.get() >= 400);
            int g = gold.done.get();
            int b = bronze.done.get();
            gold.stop();
            bronze.stop();
            double ratio = (double) g / b;
            assertTrue(ratio > 2.4 && ratio < 3.6, "gold " + g + " : bronze " + b + " = " + ratio);
        }
    }

    /** Keeps a number of requests of one tenant in flight until stopped. */
    private static final class Client {
        final AtomicInteger done = new AtomicInteger();
        private final InferenceServiceGrpc.InferenceServiceFutureStub stub;
        private volatile boolean running = true;

        Client(TestServer server, String tenant) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant);
            stub = InferenceServiceGrpc.newFutureStub(server.channel())
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        void start(int concurrency) {
            for (int i = 0; i < concurrency; i++) {
                next();
            }
        }

        private void next() {
            if (!running) {
                return;
            }
            ListenableFuture<InferResponse> f = stub.infer(request(0, "t"));
            f.addListener(
                    () -> {
                        if (code(f) == Status.Code.OK && running) {
                            done.incrementAndGet();
                        }
                        next();
                    },
                    Runnable::run);
        }

        void stop() {
            running = false;
        }
    }

    /** A copy of the demo MLP named {@code mlp} whose dynamic batching waits up to {@code us}. */
    private void mlpWithQueueDelay(long us) {
        new TempRepository(dir).copyMlpWithQueueDelay("mlp", us);
    }

    @Test
    void batchesFormUnderConcurrency() throws Exception {
        mlpWithQueueDelay(2000);
        try (TestServer server = TestServer.start(dir, "mlp")) {
            var stub = InferenceServiceGrpc.newFutureStub(server.channel());
            List<ListenableFuture<InferResponse>> calls = new ArrayList<>();
            InferRequest one = io.llmaos.server.DemoRequests.mlpRequest("mlp");
            for (int i = 0; i < 200; i++) {
                calls.add(stub.infer(one));
            }
            List<Integer> sizes = new ArrayList<>();
            for (ListenableFuture<InferResponse> f : calls) {
                InferResponse r = f.get(60, TimeUnit.SECONDS);
                sizes.add(r.getTiming().getBatchSize());
                assertEquals(4, r.getOutputs(0).getContents().getFp32ContentsCount(), "each answer holds its own row");
            }
            assertTrue(sizes.stream().anyMatch(s -> s > 1), "batch sizes " + sizes);
            assertTrue(stats(server).getBatchSizesList().stream().anyMatch(b -> b.getBatchSize() > 1));
        }
    }

    @Test
    void aLoneRequestDoesNotWaitOutTheQueueDelay() throws Exception {
        mlpWithQueueDelay(3000000);
        try (TestServer server = TestServer.start(dir, "mlp")) {
            InferRequest one = io.llmaos.server.DemoRequests.mlpRequest("mlp");
            for (int i = 0; i < 2; i++) {
                // an idle model and no request for longer than the delay: nothing suggests a batch is coming
                Thread.sleep(i == 0 ? 0 : 3500);
                long start = System.nanoTime();
                InferResponse r = server.inference().infer(one);
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertEquals(1, r.getTiming().getBatchSize());
                assertTrue(tookMs < 1500, "a lone request waited " + tookMs + " ms of a 3 s queue delay");
            }
        }
    }

    @Test
    void thePoolScalesUpUnderLoadAndDownWhenIdle() throws Exception {
        try (TestServer server = spin(config(
                "{\"levels\": [{\"level\": 1, \"max_queue_size\": 1000}]}",
                ", \"instances\": {\"min\": 1, \"max\": 2, \"scale_up_queue_delay\": \"0.001s\","
                        + " \"scale_up_after\": \"0.020s\", \"scale_down_idle\": \"0.300s\"}"))) {
            Client load = new Client(server, "default");
            load.start(8);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> stats(server).getInstances().getCurrent() == 2);
            load.stop();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> stats(server).getInstances().getCurrent() == 1);
            ModelSchedulerStats s = stats(server);
            assertTrue(s.getInstances().getScaleUps() >= 1 && s.getInstances().getScaleDowns() >= 1, s.toString());
        }
    }
}
