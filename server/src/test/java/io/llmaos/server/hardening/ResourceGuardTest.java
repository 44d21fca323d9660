package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.llmaos.proto.v1.Budget;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.server.ChildServer;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A guard for resources: a model loaded and unloaded 200 times while 10,000 requests run with random
 * deadlines and cancels, after which the server holds exactly what it held before: threads, file
 * descriptors, requests in flight, and the memory, thread and instance budgets of its ledger.
 */
class ResourceGuardTest {
    private static final int CYCLES = 200;
    private static final int REQUESTS = 10_000;

    @Test
    void loadsUnloadsDeadlinesAndCancelsLeaveNothingBehind() throws Exception {
        try (ChildServer server = ChildServer.start(
                List.of("-Xmx512m"),
                "--models",
                TestServer.DEMO_MODELS.toString(),
                "--load-models",
                "mlp-classifier,tf-dense,gpt-kjv",
                "--model-memory-budget",
                "4GiB")) {
            ManagedChannel channel = server.channel();
            try {
                Random random = new Random(11);
                // an extra mlp worker made under load retires soon after, so the thread count can settle
                SchedulerServiceGrpc.newBlockingStub(channel)
                        .setPolicy(io.llmaos.proto.v1.SetPolicyRequest.newBuilder()
                                .setPolicy(io.llmaos.proto.v1.SchedulingPolicy.newBuilder()
                                        .setModelName("mlp-classifier")
                                        .setInstances(io.llmaos.proto.v1.InstancePolicy.newBuilder()
                                                .setMin(1)
                                                .setMax(2)
                                                .setScaleDownIdle(com.google.protobuf.Duration.newBuilder()
                                                        .setSeconds(1))))
                                .build());
                // warm up every path once (lazily made threads: executor, tokenizer pool, pool growth)
                traffic(channel, random, 500);
                cycle(channel, 2);
                Snapshot before = Snapshot.of(server, channel);

                CompletableFuture<Void> cycles = CompletableFuture.runAsync(() -> cycle(channel, CYCLES));
                int answered = traffic(channel, random, REQUESTS);
                cycles.get(5, TimeUnit.MINUTES);
                assertEquals(REQUESTS, answered, "every request ended in one answer");

                Awaitility.await()
                        .atMost(30, TimeUnit.SECONDS)
                        .pollInterval(200, TimeUnit.MILLISECONDS)
                        .untilAsserted(() -> assertEquals(before, Snapshot.of(server, channel)));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Loads and unloads tf-dense {@code times} times, ending loaded; its memory estimate is set well
     * above what it measures, so its reservation in the ledger is the same after every load.
     */
    private static void cycle(ManagedChannel channel, int times) {
        var repository = ModelRepositoryServiceGrpc.newBlockingStub(channel);
        io.llmaos.proto.v1.ModelConfig.Builder dense = io.llmaos.proto.v1.ModelConfig.newBuilder();
        try {
            com.google.protobuf.util.JsonFormat.parser()
                    .merge(
                            Files.readString(
                                    TestServer.DEMO_MODELS.resolve("tf-dense").resolve("config.json")),
                            dense);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dense.getResourcesBuilder().setMemoryEstimateBytes(64L << 20);
        for (int i = 0; i < times; i++) {
            repository
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .unloadModel(
                            UnloadModelRequest.newBuilder().setName("tf-dense").build());
            repository
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .loadModel(LoadModelRequest.newBuilder()
                            .setName("tf-dense")
                            .setConfigOverride(dense)
                            .build());
        }
    }

    /**
     * {@code n} requests, 32 at a time, to mlp-classifier, the flapping tf-dense and gpt-kjv, each with
     * a random deadline (or none) and a random chance of being cancelled; returns how many ended.
     */
    private static int traffic(ManagedChannel channel, Random random, int n) throws InterruptedException {
        Semaphore window = new Semaphore(32);
        AtomicInteger ended = new AtomicInteger();
        var async = InferenceServiceGrpc.newFutureStub(channel);
        var streaming = InferenceServiceGrpc.newStub(channel);
        for (int i = 0; i < n; i++) {
            window.acquire();
            int kind = random.nextInt(10);
            long deadlineMs = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(40);
            boolean cancel = random.nextInt(5) == 0;
            long cancelAfterUs = random.nextInt(3000);
            Context.CancellableContext context = Context.current().withCancellation();
            Runnable done = () -> {
                ended.incrementAndGet();
                window.release();
            };
            context.run(() -> {
                if (kind == 0) {
                    var stub = deadlineMs == 0
                            ? streaming
                            : streaming.withDeadlineAfter(deadlineMs * 5, TimeUnit.MILLISECONDS);
                    stub.generate(
                            GenerateRequest.newBuilder()
                                    .setModelName("gpt-kjv")
                                    .setText("And the earth")
                                    .setSampling(
                                            SamplingParams.newBuilder().setMaxNewTokens(1 + (int) (cancelAfterUs % 20)))
                                    .build(),
                            new io.grpc.stub.StreamObserver<GenerateResponse>() {
                                @Override
                                public void onNext(GenerateResponse value) {}

                                @Override
                                public void onError(Throwable t) {
                                    done.run();
                                }

                                @Override
                                public void onCompleted() {
                                    done.run();
                                }
                            });
                } else {
                    var stub = deadlineMs == 0 ? async : async.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
                    ListenableFuture<InferResponse> f = stub.infer(
                            kind < 4
                                    ? DemoRequests.denseRequest("tf-dense")
                                    : DemoRequests.mlpRequest("mlp-classifier"));
                    f.addListener(done, Runnable::run);
                }
            });
            if (cancel) {
                CompletableFuture.delayedExecutor(cancelAfterUs, TimeUnit.MICROSECONDS)
                        .execute(() -> context.cancel(null));
            }
        }
        window.acquire(32);
        return ended.get();
    }

    /** What the server holds: threads, open files, requests in flight per model, its budgets. */
    private record Snapshot(
            Map<String, Integer> threads,
            int fileDescriptors,
            Map<String, Integer> inFlight,
            Map<String, Long> budgets) {
        static Snapshot of(ChildServer server, ManagedChannel channel) throws Exception {
            Map<String, Integer> inFlight = new TreeMap<>();
            for (ModelSchedulerStats s : SchedulerServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getStats(GetStatsRequest.getDefaultInstance())
                    .getModelsList()) {
                int n = s.getLevelsList().stream()
                                .mapToInt(l -> l.getInFlight() + l.getQueueDepth())
                                .sum()
                        + s.getTenantsList().stream()
                                .mapToInt(t -> t.getInFlight() + t.getQueueDepth())
                                .sum();
                inFlight.put(s.getModelName(), n);
            }
            Map<String, Long> budgets = ResourceServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getResources(GetResourcesRequest.getDefaultInstance())
                    .getBudgetsList()
                    .stream()
                    .collect(Collectors.toMap(Budget::getName, Budget::getReserved, (a, b) -> a, TreeMap::new));
            return new Snapshot(threads(server.pid()), fileDescriptors(server.pid()), inFlight, budgets);
        }

        /** The process's threads, counted by name (digits folded, so pools of one kind count together). */
        private static Map<String, Integer> threads(long pid) throws Exception {
            Map<String, Integer> byName = new TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String name =
                                Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                        byName.merge(name, 1, Integer::sum);
                    } catch (java.io.IOException gone) {
                        // the thread ended while listing
                    }
                }
            }
            return byName;
        }

        private static int fileDescriptors(long pid) throws Exception {
            try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
                return (int) fds.count();
            }
        }
    }
}
