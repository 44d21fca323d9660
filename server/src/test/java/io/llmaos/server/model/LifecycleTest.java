package io.llmaos.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelEvent;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.proto.v1.ModelSummary;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.proto.v1.WatchModelsRequest;
import io.llmaos.server.ChildServer;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.QueueObserver;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, failing, watching and unloading models through the real server. */
class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void aCorruptModelIsFailedWithAReasonAndTheServerStaysServing() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("mlp-classifier", "good");
        repo.copyDemo("mlp-classifier", "broken");
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        Files.write(dir.resolve("broken/1/model.pt"), garbage);
        try (TestServer server = TestServer.start(dir, "good")) {
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.repository()
                            .loadModel(LoadModelRequest.newBuilder()
                                    .setName("broken")
                                    .build()));
            assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("cannot load broken/1 with PYTORCH"),
                    e.getStatus().getDescription());
            ModelSummary broken = server.repository()
                    .getModel(GetModelRequest.newBuilder().setName("broken").build())
                    .getSummary();
            assertEquals(ModelState.FAILED, broken.getVersions(0).getState());
            assertTrue(broken.getVersions(0).getReason().contains("cannot load broken/1"), broken.toString());

            assertEquals(
                    ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(server.channel())
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus());
            assertEquals(
                    1, server.inference().infer(DemoRequests.mlpRequest("good")).getModelVersion());
            StatusRuntimeException notReady = assertThrows(
                    StatusRuntimeException.class, () -> server.inference().infer(DemoRequests.mlpRequest("broken")));
            assertEquals(Status.Code.UNAVAILABLE, notReady.getStatus().getCode());
        }
    }

    @Test
    void aLoadInProgressBlocksNoOtherCall() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("all-MiniLM-L6-v2", "slow");
        repo.copyDemo("tf-dense", "quick");
        try (TestServer server = TestServer.start(dir, "quick")) {
            QueueObserver<ModelEvent> events = new QueueObserver<>();
            ModelRepositoryServiceGrpc.newStub(server.channel())
                    .watchModels(
                            WatchModelsRequest.newBuilder().addNames("slow").build(), events);
            assertEquals(ModelState.UNAVAILABLE, events.next().getStatus().getState());
            var load = ModelRepositoryServiceGrpc.newFutureStub(server.channel())
                    .loadModel(LoadModelRequest.newBuilder().setName("slow").build());
            assertEquals(ModelState.LOADING, events.next().getStatus().getState());
            // while it loads: listing, inspecting and inferring on another model all answer
            assertEquals(
                    ModelState.LOADING,
                    server.repository()
                            .getModel(
                                    GetModelRequest.newBuilder().setName("slow").build())
                            .getSummary()
                            .getVersions(0)
                            .getState());
            assertEquals(
                    1,
                    server.inference().infer(DemoRequests.denseRequest("quick")).getModelVersion());
            assertEquals(
                    ModelState.READY,
                    load.get(60, java.util.concurrent.TimeUnit.SECONDS)
                            .getModel()
                            .getVersions(0)
                            .getState());
        }
    }

    @Test
    void anInvalidConfigNamesTheFileAndTheField() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("tf-dense", "typo");
        Files.writeString(dir.resolve("typo/config.json"), "{\"kind\": \"TENSOR\", \"max_batch_sise\": 8}");
        try (TestServer server = TestServer.start(dir, "")) {
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.repository()
                            .loadModel(LoadModelRequest.newBuilder()
                                    .setName("typo")
                                    .build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("typo/config.json"),
                    e.getStatus().getDescription());
            assertTrue(
                    e.getStatus().getDescription().contains("max_batch_sise"),
                    e.getStatus().getDescription());
            assertTrue(server.repository()
                    .getModel(GetModelRequest.newBuilder().setName("typo").build())
                    .getSummary()
                    .getConfigError()
                    .contains("max_batch_sise"));
            StatusRuntimeException ghost = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.repository()
                            .loadModel(LoadModelRequest.newBuilder()
                                    .setName("ghost")
                                    .build()));
            assertEquals(Status.Code.NOT_FOUND, ghost.getStatus().getCode());
            assertEquals(
                    List.of("typo"),
                    server
                            .repository()
                            .listModels(io.llmaos.proto.v1.ListModelsRequest.getDefaultInstance())
                            .getModelsList()
                            .stream()
                            .map(ModelSummary::getName)
                            .toList(),
                    "a failed load of an unknown model leaves no trace");
        }
    }

    @Test
    void watchStreamsEveryStateChange() throws Exception {
        new TempRepository(dir).copyDemo("tf-dense", "dense");
        try (TestServer server = TestServer.start(dir, "")) {
            QueueObserver<ModelEvent> events = new QueueObserver<>();
            ModelRepositoryServiceGrpc.newStub(server.channel())
                    .watchModels(
                            WatchModelsRequest.newBuilder().addNames("dense").build(), events);
            assertEquals(ModelState.UNAVAILABLE, events.next().getStatus().getState(), "snapshot");
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder().setName("dense").build());
            server.repository()
                    .unloadModel(
                            UnloadModelRequest.newBuilder().setName("dense").build());
            List<ModelState> states = new ArrayList<>();
            List<ModelState> previous = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ModelEvent e = events.next();
                states.add(e.getStatus().getState());
                previous.add(e.getPreviousState());
            }
            assertEquals(
                    List.of(ModelState.LOADING, ModelState.READY, ModelState.UNLOADING, ModelState.UNAVAILABLE),
                    states);
            assertEquals(
                    List.of(ModelState.UNAVAILABLE, ModelState.LOADING, ModelState.READY, ModelState.UNLOADING),
                    previous);
        }
    }

    @Test
    void unloadGivesTheModelsMemoryBack() throws Exception {
        new TempRepository(dir).copyDemo("all-MiniLM-L6-v2", "minilm");
        try (ChildServer server =
                ChildServer.start(List.of("-Xms128m", "-Xmx128m"), "--models", dir.toString(), "--load-models", "")) {
            var channel = server.channel();
            try {
                var repo = ModelRepositoryServiceGrpc.newBlockingStub(channel);
                // a first load and unload starts ONNX Runtime and the tokenizer library, which stay resident
                repo.loadModel(LoadModelRequest.newBuilder().setName("minilm").build());
                repo.unloadModel(
                        UnloadModelRequest.newBuilder().setName("minilm").build());
                long before = server.rssBytes();
                repo.loadModel(LoadModelRequest.newBuilder().setName("minilm").build());
                long loaded = server.rssBytes();
                repo.unloadModel(
                        UnloadModelRequest.newBuilder().setName("minilm").build());
                long grown = loaded - before;
                // native memory comes back as the engine's cleaners run and the allocator trims: wait for it
                long unloaded = server.rssBytes();
                // (up to 15 s: on a busy machine the allocator's trim comes late; the wait ends as soon as it has)
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
                while (loaded - unloaded < Math.max(10L << 20, grown / 4) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    unloaded = server.rssBytes();
                }
                long freed = loaded - unloaded;
                System.out.printf("minilm: load +%d MiB, unload -%d MiB%n", grown >> 20, freed >> 20);
                assertTrue(
                        grown > 15L << 20, "loading MiniLM (23 MB of weights) grew RSS by " + (grown >> 20) + " MiB");
                // a quarter at least: the load's growth also holds what stays (compiled code, the allocator's
                // arenas); CI runs measured +56/-16 and +60/-20 MiB
                assertTrue(
                        freed >= 10L << 20 && freed >= grown / 4,
                        "unloading freed " + (freed >> 20) + " of " + (grown >> 20) + " MiB");
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
