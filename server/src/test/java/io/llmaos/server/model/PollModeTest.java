package io.llmaos.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.ListModelsRequest;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.proto.v1.ModelVersionStatus;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poll mode: new versions are swapped in with no failed request; removed models are unloaded. */
class PollModeTest {
    @TempDir
    Path dir;

    @Test
    void aNewVersionIsSwappedInWithZeroFailedRequests() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("mlp-classifier", "activity");
        try (TestServer server = TestServer.start(
                dir, "", Map.of(Setting.MODEL_CONTROL_MODE, "poll", Setting.REPOSITORY_POLL_INTERVAL, "200ms"))) {
            assertEquals(ModelState.READY, state(server, "activity", 1));

            try (Clients clients = new Clients(server, "activity")) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clients.ok.get() > 20);
                repo.addVersion("activity", 2);
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> clients.lastVersion.get() == 2);
                int atSwap = clients.ok.get();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clients.ok.get() > atSwap + 20);
                clients.stop();
                assertEquals(List.of(), List.copyOf(clients.failures), "no request may fail during the swap");
            }
            assertEquals(ModelState.READY, state(server, "activity", 2));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> state(server, "activity", 1) == ModelState.UNAVAILABLE);
        }
    }

    @Test
    void aBrokenNewVersionLeavesTheServingOneServingWithZeroFailedRequests() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("mlp-classifier", "activity");
        try (TestServer server = TestServer.start(
                dir, "", Map.of(Setting.MODEL_CONTROL_MODE, "poll", Setting.REPOSITORY_POLL_INTERVAL, "200ms"))) {
            Clients clients = new Clients(server, "activity");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clients.ok.get() > 20);
            // version 2 arrives in one move, with a model file that is not a model
            Path staging = dir.resolveSibling(dir.getFileName() + "-broken");
            java.nio.file.Files.createDirectories(staging);
            java.nio.file.Files.write(staging.resolve("model.pt"), new byte[] {1, 2, 3, 4});
            java.nio.file.Files.move(
                    staging, dir.resolve("activity").resolve("2"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> state(server, "activity", 2) == ModelState.FAILED);
            int atFailure = clients.ok.get();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clients.ok.get() > atFailure + 20);
            clients.stop();
            assertEquals(
                    List.of(),
                    List.copyOf(clients.failures),
                    "version 1 serves every request while version 2 is broken");
            assertEquals(java.util.Set.of(1L), clients.versions, "version 1 answered every request");
            assertEquals(ModelState.READY, state(server, "activity", 1));

            // a good version 2 replaces it, and only then is version 1 unloaded
            TempRepository.deleteTree(dir.resolve("activity").resolve("2"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> state(server, "activity", 2) == ModelState.MODEL_STATE_UNSPECIFIED
                            || state(server, "activity", 2) == ModelState.UNAVAILABLE);
            repo.addVersion("activity", 2);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> state(server, "activity", 2) == ModelState.READY);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> state(server, "activity", 1) == ModelState.UNAVAILABLE);
        }
    }

    @Test
    void newAndRemovedModelsArePickedUp() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("tf-dense", "dense");
        try (TestServer server = TestServer.start(
                dir, "", Map.of(Setting.MODEL_CONTROL_MODE, "poll", Setting.REPOSITORY_POLL_INTERVAL, "200ms"))) {
            assertEquals(ModelState.READY, state(server, "dense", 1));
            repo.copyDemo("mlp-classifier", "late-arrival");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> state(server, "late-arrival", 1) == ModelState.READY);
            TempRepository.deleteTree(dir.resolve("dense"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            server
                                    .repository()
                                    .listModels(ListModelsRequest.getDefaultInstance())
                                    .getModelsList()
                                    .stream()
                                    .filter(m -> m.getName().equals("dense"))
                                    .allMatch(m -> m.getVersionsList().stream()
                                            .noneMatch(v -> v.getState() == ModelState.READY)));
        }
    }

    static ModelState state(TestServer server, String model, long version) {
        return server
                .repository()
                .getModel(GetModelRequest.newBuilder().setName(model).build())
                .getSummary()
                .getVersionsList()
                .stream()
                .filter(v -> v.getVersion() == version)
                .map(ModelVersionStatus::getState)
                .findFirst()
                .orElse(ModelState.MODEL_STATE_UNSPECIFIED);
    }

    /** Four callers of {@code model} in a loop, counting answers and keeping every failure. */
    private static final class Clients implements AutoCloseable {
        final AtomicInteger ok = new AtomicInteger();
        final AtomicLong lastVersion = new AtomicLong();
        final java.util.Set<Long> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService pool = Executors.newFixedThreadPool(4);

        Clients(TestServer server, String model) {
            for (int c = 0; c < 4; c++) {
                pool.submit(() -> {
                    while (running.get()) {
                        try {
                            InferResponse r = server.inference().infer(DemoRequests.mlpRequest(model));
                            lastVersion.set(r.getModelVersion());
                            versions.add(r.getModelVersion());
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
