package io.llmaos.server.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.LedgerEvent;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.proto.v1.ModelSummary;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-memory budget through the real server, on copies of the demo MLP that declare their
 * memory: the least recently used idle model is evicted to make room, a pinned one never is, a
 * load that cannot fit fails with RESOURCE_EXHAUSTED naming the shortfall (evicting nothing), and
 * load-on-demand serves a first request for a model that was not loaded.
 */
class MemoryAdmissionTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private Path repository(String pinned) throws Exception {
        TempRepository repo = new TempRepository(dir);
        for (String name : new String[] {"a", "b", "c", "d"}) {
            Path model = repo.copyDemo("mlp-classifier", name);
            ObjectMapper json = new ObjectMapper();
            ObjectNode config =
                    (ObjectNode) json.readTree(model.resolve("config.json").toFile());
            ObjectNode hints = config.putObject("resources");
            hints.put("memory_estimate_bytes", (name.equals("d") ? 90 : 40) * MIB);
            hints.put("pinned", name.equals(pinned));
            json.writeValue(model.resolve("config.json").toFile(), config);
        }
        return repo.root();
    }

    @Test
    void theLeastRecentlyUsedIdleModelIsEvictedAndPinnedOnesNever() throws Exception {
        try (TestServer server =
                TestServer.start(repository("a"), "a,b", Map.of(Setting.MODEL_MEMORY_BUDGET, "100MiB"))) {
            // a (pinned) is the least recently used; b was used last
            server.inference().infer(DemoRequests.mlpRequest("a"));
            server.inference().infer(DemoRequests.mlpRequest("b"));
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder().setName("c").build());
            assertEquals(ModelState.READY, state(server, "a"), "pinned: never evicted");
            assertEquals(ModelState.UNAVAILABLE, state(server, "b"));
            assertTrue(reason(server, "b").contains("evicted"), reason(server, "b"));
            assertEquals(ModelState.READY, state(server, "c"));

            ResourceSnapshot s = ResourceServiceGrpc.newBlockingStub(server.channel())
                    .getResources(GetResourcesRequest.getDefaultInstance());
            assertTrue(
                    s.getRecentLedgerEventsList().stream()
                            .anyMatch(e -> e.getAction().equals("evict")
                                    && e.getModelName().equals("b")),
                    s.toString());
            assertEquals(80 * MIB, s.getBudgets(0).getReserved(), "a and c hold 40 MiB each");
            assertEquals(100 * MIB, s.getBudgets(0).getLimit());

            // d needs 90 MiB: 20 free + 40 held by idle c is not enough, a is pinned: refused, c kept
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.repository()
                            .loadModel(
                                    LoadModelRequest.newBuilder().setName("d").build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("needs 90.0 MiB"),
                    e.getStatus().getDescription());
            assertTrue(
                    e.getStatus().getDescription().contains("a (pinned)"),
                    e.getStatus().getDescription());
            assertEquals(ModelState.READY, state(server, "c"), "nothing was evicted for a load that could not fit");
            LedgerEvent refused = ResourceServiceGrpc.newBlockingStub(server.channel())
                    .getResources(GetResourcesRequest.getDefaultInstance())
                    .getRecentLedgerEvents(0);
            assertEquals("refuse", refused.getAction());
            assertEquals("d", refused.getModelName());
        }
    }

    @Test
    void aModelWithWorkInFlightIsNeverEvicted() throws Exception {
        Path root = repository("");
        TempRepository.copyTree(Path.of("src", "test", "resources", "models", "spin", "1"), root.resolve("spin/1"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode config =
                (ObjectNode) json.readTree(Path.of("src", "test", "resources", "models", "spin", "config.json")
                        .toFile());
        config.putObject("resources").put("memory_estimate_bytes", 40 * MIB);
        json.writeValue(root.resolve("spin/config.json").toFile(), config);
        try (TestServer server = TestServer.start(root, "spin,a", Map.of(Setting.MODEL_MEMORY_BUDGET, "100MiB"))) {
            var async = io.llmaos.proto.v1.InferenceServiceGrpc.newFutureStub(server.channel());
            List<com.google.common.util.concurrent.ListenableFuture<io.llmaos.proto.v1.InferResponse>> work =
                    new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                work.add(async.infer(DemoRequests.spinRequest(1, "w" + i)));
            }
            // spin is now the least recently used of the two, but it has work in flight
            server.inference().infer(DemoRequests.mlpRequest("a"));
            assertTrue(work.stream().anyMatch(f -> !f.isDone()), "spin is still busy");
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder().setName("b").build());
            assertEquals(ModelState.READY, state(server, "spin"), "busy: never evicted");
            assertEquals(ModelState.UNAVAILABLE, state(server, "a"), "the idle one made room");
            for (var f : work) {
                assertEquals(1, f.get(60, java.util.concurrent.TimeUnit.SECONDS).getOutputsCount());
            }
        }
    }

    @Test
    void aLoadBeyondTheInstanceBudgetIsRefused() throws Exception {
        try (TestServer server = TestServer.start(repository(""), "a,b", Map.of(Setting.INSTANCE_BUDGET, "2"))) {
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.repository()
                            .loadModel(
                                    LoadModelRequest.newBuilder().setName("c").build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("2 of 2 instances (--instance-budget)"),
                    e.getStatus().getDescription());
            ResourceSnapshot s = ResourceServiceGrpc.newBlockingStub(server.channel())
                    .getResources(GetResourcesRequest.getDefaultInstance());
            assertEquals("instances", s.getBudgets(1).getName());
            assertEquals(2, s.getBudgets(1).getReserved());
            assertEquals(0, s.getBudgets(1).getFree());
            server.repository()
                    .unloadModel(io.llmaos.proto.v1.UnloadModelRequest.newBuilder()
                            .setName("b")
                            .build());
            // b's worker gives its instance back as it stops, moments after the unload answers
            long until = System.nanoTime() + 10_000_000_000L;
            while (ResourceServiceGrpc.newBlockingStub(server.channel())
                                    .getResources(GetResourcesRequest.getDefaultInstance())
                                    .getBudgets(1)
                                    .getReserved()
                            > 1
                    && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            server.repository()
                    .loadModel(LoadModelRequest.newBuilder().setName("c").build());
            assertEquals(ModelState.READY, state(server, "c"), "an unload released its instance");
        }
    }

    @Test
    void loadOnDemandServesTheFirstRequest() throws Exception {
        try (TestServer server = TestServer.start(repository(""), "a", Map.of(Setting.LOAD_ON_DEMAND, "true"))) {
            assertEquals(ModelState.UNAVAILABLE, state(server, "b"));
            assertTrue(server.inference().infer(DemoRequests.mlpRequest("b")).getOutputsCount() > 0);
            assertEquals(ModelState.READY, state(server, "b"));
        }
        try (TestServer server = TestServer.start(repository(""), "a")) {
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class, () -> server.inference().infer(DemoRequests.mlpRequest("b")));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "without load-on-demand");
        }
    }

    private static ModelSummary status(TestServer server, String name) {
        return server.repository()
                .getModel(GetModelRequest.newBuilder().setName(name).build())
                .getSummary();
    }

    private static ModelState state(TestServer server, String name) {
        return status(server, name).getVersions(0).getState();
    }

    private static String reason(TestServer server, String name) {
        return status(server, name).getVersions(0).getReason();
    }
}
