package io.llmaos.server.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.proto.oip.ModelReadyRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import io.llmaos.server.model.engine.EngineType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry answers from memory and no gRPC thread waits for a load: readiness and inference
 * go on with the model's folder gone from disk; a model loaded on demand answers its callers when
 * its load completes while far more callers than the server has gRPC threads wait for it, and other
 * models keep answering meanwhile.
 */
class RegistryWithoutIoTest {
    @TempDir
    Path repo;

    private final FakeBehaviour behaviour = new FakeBehaviour();
    private final FakeEngine engine = new FakeEngine(EngineType.PYTORCH, behaviour);

    @Test
    void readinessAndInferenceNeverReadTheRepository() throws Exception {
        FakeModels.tensor(repo, "m", 4, "");
        try (TestServer server = TestServer.start(repo, "m", Map.of(), List.of(engine))) {
            Path aside = repo.resolveSibling(repo.getFileName() + "-aside");
            Files.move(repo.resolve("m"), aside);
            try {
                assertTrue(server.oip()
                        .modelReady(ModelReadyRequest.newBuilder().setName("m").build())
                        .getReady());
                var metadata = server.oip()
                        .modelMetadata(io.llmaos.proto.oip.ModelMetadataRequest.newBuilder()
                                .setName("m")
                                .build());
                assertEquals("x", metadata.getInputs(0).getName());
                assertEquals(List.of("1"), metadata.getVersionsList());
                InferResponse r = server.inference().infer(FakeServerTest.row("m", 1, 1, 1, 1));
                assertEquals(List.of(4f, 5f), r.getOutputs(0).getContents().getFp32ContentsList());
            } finally {
                Files.move(aside, repo.resolve("m"));
            }
            // a name the repository never held is NOT_FOUND, also without a disk read
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.oip()
                            .modelReady(ModelReadyRequest.newBuilder()
                                    .setName("never")
                                    .build()));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        }
    }

    @Test
    void modelsInTheRepositoryButNotLoadedAreUnavailableAndNotReady() throws Exception {
        FakeModels.tensor(repo, "loaded", 4, "");
        FakeModels.tensor(repo, "idle", 4, "");
        try (TestServer server = TestServer.start(repo, "loaded", Map.of(), List.of(engine))) {
            assertFalse(server.oip()
                    .modelReady(ModelReadyRequest.newBuilder().setName("idle").build())
                    .getReady());
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.inference().infer(FakeServerTest.row("idle", 1, 1, 1, 1)));
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    e.getStatus().getCode(),
                    e.getStatus().toString());
            e = assertThrows(
                    StatusRuntimeException.class,
                    () -> server.inference().infer(FakeServerTest.row("never", 1, 1, 1, 1)));
            assertEquals(
                    Status.Code.NOT_FOUND,
                    e.getStatus().getCode(),
                    e.getStatus().toString());
        }
    }

    @Test
    void loadOnDemandHoldsNoGrpcThread() throws Exception {
        FakeModels.tensor(repo, "fast", 4, "");
        FakeModels.tensor(repo, "slow", 4, "");
        Map<Setting, String> settings = Map.of(
                Setting.LOAD_ON_DEMAND, "true",
                Setting.LOAD_ON_DEMAND_WAIT, "60s",
                Setting.EXECUTOR_THREADS, "2");
        try (TestServer server = TestServer.start(repo, "fast", settings, List.of(engine))) {
            behaviour.loadDelayMillis = 1500;
            InferenceServiceGrpc.InferenceServiceFutureStub async =
                    InferenceServiceGrpc.newFutureStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
            List<ListenableFuture<InferResponse>> waiting = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                waiting.add(async.infer(FakeServerTest.row("slow", i, 0, 0, 0)));
            }
            // 32 callers wait for the load on a server of 2 gRPC threads: another model still answers
            long start = System.nanoTime();
            InferResponse other = server.inference().infer(FakeServerTest.row("fast", 1, 0, 0, 0));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(1f, 2f), other.getOutputs(0).getContents().getFp32ContentsList());
            assertFalse(waiting.get(0).isDone(), "the load takes 1.5 s; the other model answered in " + millis + " ms");
            for (int i = 0; i < waiting.size(); i++) {
                assertEquals(
                        List.of((float) i, i + 1f),
                        waiting.get(i)
                                .get(60, TimeUnit.SECONDS)
                                .getOutputs(0)
                                .getContents()
                                .getFp32ContentsList());
            }
            assertEquals(2, engine.liveModels.get(), "loaded once on demand");
        }
    }
}
