package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.Engine;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import io.llmaos.server.ChildServer;
import io.llmaos.server.TempRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose configuration declares no inputs takes whatever tensors come; the engine's own
 * signature must still be met. TensorFlow was handed a tensor of the wrong name this way in a fuzz
 * run and crashed the server process (a null tensor in TF_SessionRun).
 */
class EngineSignatureTest {
    @TempDir
    Path dir;

    @Test
    void inputsTheEngineSignatureDoesNotNameAreRefusedNotRun() throws Exception {
        new TempRepository(dir).copyDemo("tf-dense", "dense");
        try (ChildServer server = ChildServer.start(List.of(), "--models", dir.toString())) {
            ManagedChannel channel = server.channel();
            try {
                ModelRepositoryServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .loadModel(LoadModelRequest.newBuilder()
                                .setName("dense")
                                .setConfigOverride(ModelConfig.newBuilder()
                                        .setEngine(Engine.TENSORFLOW)
                                        .setMaxBatchSize(8))
                                .build());
                var inference = InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                for (String name : List.of("wrong", "x-and-more")) {
                    InferRequest request = InferRequest.newBuilder()
                            .setModelName("dense")
                            .addInputs(Tensor.newBuilder()
                                    .setName(name)
                                    .setDatatype(DataType.FP32)
                                    .addShape(1)
                                    .addShape(4)
                                    .setContents(TensorContents.newBuilder()
                                            .addFp32Contents(1)
                                            .addFp32Contents(2)
                                            .addFp32Contents(3)
                                            .addFp32Contents(4)))
                            .build();
                    StatusRuntimeException e =
                            assertThrows(StatusRuntimeException.class, () -> inference.infer(request));
                    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
                    assertTrue(e.getStatus().getDescription().contains("signature"), e.toString());
                }
                assertEquals(
                        HealthCheckResponse.ServingStatus.SERVING,
                        HealthGrpc.newBlockingStub(channel)
                                .check(HealthCheckRequest.getDefaultInstance())
                                .getStatus());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
