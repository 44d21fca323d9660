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
        try (TestServer server = TestServer.start(dir, "", Map.of(Setting.MODEL_CONTROL_MODE, "poll",
                Setting.REPOSITORY_POLL_INTERVAL, "200ms"))) {
            assertEquals(ModelState.READY, state(server, "activity", 1));

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            AtomicLong lastVersion = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                clients.submit(() -> {
                    while (running.get()) {
                        try {
                            InferResponse r = server.inference().infer(DemoRequests.mlpRequest("activity"));
                            lastVersion.set(r.getModelVersion());
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 20);
            repo.addVersion("activity", 2);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lastVersion.get() == 2);
            int atSwap = ok.get();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > atSwap + 20);
            running.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));

            assertEquals(List.of(), List.copyOf(failures), "no request may fail during the swap");
            assertEquals(ModelState.READY, state(server, "activity", 2));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> state(server, "activity", 1) == ModelState.UNAVAILABLE);
        }
    }

    @Test
    void aBrokenNewVersionLeavesTheServingOneServingWithZeroFailedRequests() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("mlp-classifier", "activity");
        try (TestServer server = TestServer.start(dir, "", Map.of(Setting.MODEL_CONTROL_MODE, "poll",
                Setting.REPOSITORY_POLL_INTERVAL, "200ms"))) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            ConcurrentLinkedQueue<Object> failures = new ConcurrentLinkedQueue<>();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                clients.submit(() -> {
                    while (running.get()) {
                        try {
                            InferResponse r = server.inference().infer(DemoRequests.mlpRequest("activity"));
                            if (r.getModelVersion() != 1) {
                                failures.add("answered by version " + r.getModelVersion());
                            }
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 20);
            // version 2 arrives in one move, with a model file that is not a model
            Path staging = dir.resolveSibling(dir.getFileName() + "-broken");
            java.nio.file.Files.createDirectories(staging);
            java.nio.file.Files.write(staging.resolve("model.pt"), new byte[] {1, 2, 3, 4});
            java.nio.file.Files.move(staging, dir.resolve("activity").resolve("2"),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> state(server, "activity", 2) == ModelState.FAILED);
            int atFailure = ok.get();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > atFailure + 20);
            running.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
            assertEquals(List.of(), List.copyOf(failures), "version 1 serves every request while version 2 is broken");
            assertEquals(ModelState.READY, state(server, "activity", 1));

            // a good version 2 replaces it, and only then is version 1 unloaded
            TempRepository.deleteTree(dir.resolve("activity").resolve("2"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> state(server, "activity", 2)
                    == ModelState.MODEL_STATE_UNSPECIFIED || state(server, "activity", 2) == ModelState.UNAVAILABLE);
            repo.addVersion("activity", 2);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> state(server, "activity", 2) == ModelState.READY);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> state(server, "activity", 1) == ModelState.UNAVAILABLE);
        }
    }

    @Test
    void newAndRemovedModelsArePickedUp() throws Exception {
        TempRepository repo = new TempRepository(dir);
        repo.copyDemo("tf-dense", "dense");
        try (TestServer server = TestServer.start(dir, "", Map.of(Setting.MODEL_CONTROL_MODE, "poll",
                Setting.REPOSITORY_POLL_INTERVAL, "200ms"))) {
            assertEquals(ModelState.READY, state(server, "dense", 1));
            repo.copyDemo("mlp-classifier", "late-arrival");
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> state(server, "late-arrival", 1) == ModelState.READY);
            TempRepository.deleteTree(dir.resolve("dense"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.repository()
                    .listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                    .filter(m -> m.getName().equals("dense"))
                    .allMatch(m -> m.getVersionsList().stream().noneMatch(v -> v.getState() == ModelState.READY)));
        }
    }

    static ModelState state(TestServer server, String model, long version) {
        return server.repository().getModel(GetModelRequest.newBuilder().setName(model).build())
                .getSummary().getVersionsList().stream().filter(v -> v.getVersion() == version)
                .map(ModelVersionStatus::getState).findFirst().orElse(ModelState.MODEL_STATE_UNSPECIFIED);
    }
}
