package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.LoadModelResponse;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.proto.v1.WarmupSample;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configurations cannot ask for absurd numbers, every engine thread is counted against the thread
 * budget before it exists, and a load that runs too long is abandoned or cancelled by an unload.
 */
class ModelLimitsTest {
    private static final Path SPIN = Path.of("src", "test", "resources", "models", "spin");

    @TempDir
    Path dir;

    private ModelConfig demoConfig(String demo) throws Exception {
        ModelConfig.Builder b = ModelConfig.newBuilder();
        JsonFormat.parser()
                .merge(Files.readString(TestServer.DEMO_MODELS.resolve(demo).resolve("config.json")), b);
        return b.build();
    }

    private static StatusRuntimeException load(TestServer server, String name, ModelConfig override) {
        return assertThrows(
                StatusRuntimeException.class,
                () -> server.repository()
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName(name)
                                .setConfigOverride(override)
                                .build()));
    }

    @Test
    void absurdNumbersAreInvalidArgumentNamingTheField() throws Exception {
        new TempRepository(dir).copyDemo("mlp-classifier", "mlp");
        ModelConfig mlp = demoConfig("mlp-classifier");
        Map<String, UnaryOperator<ModelConfig.Builder>> cases = Map.of(
                "instances.min",
                        b -> b.setInstances(
                                InstancePolicy.newBuilder().setMin(1_000_000).setMax(1_000_000)),
                "instances.threads_per_instance",
                        b -> b.setInstances(
                                InstancePolicy.newBuilder().setMin(1).setThreadsPerInstance(1_000_000)),
                "instances.max",
                        b -> b.setInstances(
                                InstancePolicy.newBuilder().setMin(1).setMax((int) 4_000_000_000L)),
                "queue.levels",
                        b -> {
                            QueuePolicy.Builder q = QueuePolicy.newBuilder();
                            for (int i = 1; i <= 100_000; i++) {
                                q.addLevels(PriorityLevel.newBuilder().setLevel(i));
                            }
                            return b.setQueue(q);
                        },
                "warmup[0].batch_size",
                        b -> b.addWarmup(WarmupSample.newBuilder().setBatchSize(1_000_000_000)),
                "warmup[0].count", b -> b.addWarmup(WarmupSample.newBuilder().setCount(1_000_000_000)),
                "queue.levels[0].max_queue_size",
                        b -> b.setQueue(QueuePolicy.newBuilder()
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(1).setMaxQueueSize(-1))),
                "dynamic_batching.max_queue_delay_us",
                        b -> {
                            b.getDynamicBatchingBuilder().setMaxQueueDelayUs(Long.MAX_VALUE);
                            return b;
                        });
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        try (TestServer server = TestServer.start(dir, "")) {
            for (Map.Entry<String, UnaryOperator<ModelConfig.Builder>> c : cases.entrySet()) {
                StatusRuntimeException e =
                        load(server, "mlp", c.getValue().apply(mlp.toBuilder()).build());
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), c.getKey() + ": " + e);
                assertTrue(e.getStatus().getDescription().contains(c.getKey()), c.getKey() + ": " + e);
            }
            // the same limits hold for a policy set live
            var scheduler = SchedulerServiceGrpc.newBlockingStub(server.channel());
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder().setName("mlp").build());
            StatusRuntimeException live = assertThrows(
                    StatusRuntimeException.class,
                    () -> scheduler.setPolicy(SetPolicyRequest.newBuilder()
                            .setPolicy(SchedulingPolicy.newBuilder()
                                    .setModelName("mlp")
                                    .setInstances(InstancePolicy.newBuilder()
                                            .setMin(1)
                                            .setMax(100_000)))
                            .build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, live.getStatus().getCode());
            assertTrue(live.getStatus().getDescription().contains("policy.instances.max"), live.toString());
            assertTrue(
                    ManagementFactory.getThreadMXBean().getThreadCount() < threadsBefore + 100,
                    "threads: " + ManagementFactory.getThreadMXBean().getThreadCount());
        }
    }

    @Test
    void everyEngineThreadIsCountedAgainstTheThreadBudgetBeforeItIsCreated() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("mlp-classifier", "mlp");
        repo.copyDemo("tf-dense", "dense");
        ModelConfig wide = demoConfig("mlp-classifier").toBuilder()
                .setInstances(InstancePolicy.newBuilder().setMin(40).setMax(40).setThreadsPerInstance(1))
                .build();
        try (TestServer server = TestServer.start(dir, "", Map.of(Setting.THREAD_BUDGET, "2"))) {
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            StatusRuntimeException refused = load(server, "mlp", wide);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode(), refused.toString());
            assertTrue(refused.getStatus().getDescription().contains("--thread-budget"), refused.toString());
            assertTrue(
                    ManagementFactory.getThreadMXBean().getThreadCount() < threadsBefore + 10, "no instance was made");

            ModelConfig two = wide.toBuilder()
                    .setInstances(InstancePolicy.newBuilder().setMin(2).setMax(2))
                    .build();
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder()
                            .setName("mlp")
                            .setConfigOverride(two)
                            .build());
            StatusRuntimeException full = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.repository()
                            .loadModel(LoadModelRequest.newBuilder()
                                    .setName("dense")
                                    .build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode(), full.toString());
            server.repository()
                    .unloadModel(UnloadModelRequest.newBuilder().setName("mlp").build());
            LoadModelResponse dense = server.repository()
                    .loadModel(LoadModelRequest.newBuilder().setName("dense").build());
            assertEquals(ModelState.READY, dense.getModel().getVersions(0).getState());
        }
    }

    /** A copy of the spin model whose warmup runs 1024 batches of a few milliseconds each: seconds of work. */
    private void slowWarmupSpin() throws Exception {
        TempRepository.copyTree(SPIN.resolve("1"), dir.resolve("spin/1"));
        ModelConfig.Builder b = ModelConfig.newBuilder();
        JsonFormat.parser().merge(Files.readString(SPIN.resolve("config.json")), b);
        for (int i = 0; i < 16; i++) {
            b.addWarmup(WarmupSample.newBuilder().setBatchSize(32).setCount(64));
        }
        Files.writeString(dir.resolve("spin/config.json"), JsonFormat.printer().print(b));
    }

    @Test
    void aLoadPastTheLoadTimeoutIsAbandonedAndFreesWhatItMade() throws Exception {
        slowWarmupSpin();
        try (TestServer server = TestServer.start(dir, "", Map.of(Setting.LOAD_TIMEOUT, "300ms"))) {
            long start = System.nanoTime();
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.repository()
                            .loadModel(LoadModelRequest.newBuilder()
                                    .setName("spin")
                                    .build()));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
            assertTrue(millis < 5000, "abandoned after " + millis + " ms");
            var status = server.repository()
                    .getModel(GetModelRequest.newBuilder().setName("spin").build());
            assertEquals(ModelState.FAILED, status.getSummary().getVersions(0).getState());
            assertTrue(status.getSummary().getVersions(0).getReason().contains("--load-timeout"), status.toString());
        }
    }

    @Test
    void unloadModelCancelsALoadUnderWay() throws Exception {
        slowWarmupSpin();
        try (TestServer server = TestServer.start(dir, "")) {
            var async = ModelRepositoryServiceGrpc.newFutureStub(server.channel());
            var loading = async.loadModel(
                    LoadModelRequest.newBuilder().setName("spin").build());
            Thread.sleep(300);
            long start = System.nanoTime();
            server.repository()
                    .unloadModel(UnloadModelRequest.newBuilder().setName("spin").build());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5000, "the unload waited " + millis + " ms");
            java.util.concurrent.ExecutionException e = assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> loading.get(30, TimeUnit.SECONDS));
            assertEquals(
                    Status.Code.CANCELLED, Status.fromThrowable(e.getCause()).getCode(), e.toString());
            var status = server.repository()
                    .getModel(GetModelRequest.newBuilder().setName("spin").build());
            assertEquals(
                    List.of(ModelState.UNAVAILABLE),
                    status.getSummary().getVersionsList().stream()
                            .map(v -> v.getState())
                            .toList());
        }
    }
}
