package io.llmaos.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.RepositoryIndexRequest;
import io.llmaos.proto.oip.RepositoryModelLoadRequest;
import io.llmaos.proto.oip.RepositoryModelUnloadRequest;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.RequestedOutput;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.RawCalls;
import io.llmaos.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that do not parse, requests that quote too much, and the odd values of the adversarial
 * run: each gets its one documented answer, and the server goes on serving.
 */
class MalformedRequestsTest {
    private static TestServer server;
    private static final RawCalls raw = new RawCalls();
    private static ManagedChannel strict;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.DEMO_MODELS, "mlp-classifier");
        strict = raw.strictChannel(server.server().port());
    }

    @AfterAll
    static void stop() throws Exception {
        strict.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void requestsThatDoNotParseAreInvalidArgumentOnEveryMethod() throws Exception {
        byte[] truncatedVarint = {0x08, (byte) 0x80};
        byte[] badWireType = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        byte[] invalidUtf8InField1 = {0x0A, 0x02, (byte) 0xC3, 0x28};
        List<String> stringFieldFirst = List.of(
                "llmaos.v1.InferenceService/Infer",
                "llmaos.v1.InferenceService/Generate",
                "llmaos.v1.ModelRepositoryService/LoadModel",
                "inference.GRPCInferenceService/ModelInfer");
        int calls = 0;
        for (MethodDescriptor<?, ?> method : RawCalls.everyMethod()) {
            List<byte[]> payloads = new ArrayList<>(List.of(truncatedVarint, badWireType));
            if (stringFieldFirst.contains(method.getFullMethodName())) {
                payloads.add(invalidUtf8InField1);
            }
            for (byte[] payload : payloads) {
                Status status = RawCalls.call(server.channel(), method, payload);
                assertEquals(
                        Status.Code.INVALID_ARGUMENT, status.getCode(), method.getFullMethodName() + ": " + status);
                calls++;
            }
        }
        assertTrue(calls > 50, "calls made: " + calls);
        // the details a client reads, and a server still serving
        try {
            InferenceServiceGrpc.newBlockingStub(server.channel()).infer(InferRequest.parseFrom(new byte[0]));
        } catch (StatusRuntimeException expected) {
            // an empty request parses; it is refused for what it lacks
        }
        Status garbage = RawCalls.unary(server.channel(), "llmaos.v1.InferenceService/Infer", truncatedVarint);
        assertTrue(garbage.getDescription().contains("InferRequest"), garbage.toString());
        assertEquals(
                HealthCheckResponse.ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(server.channel())
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus());
        server.inference().infer(DemoRequests.mlpRequest("mlp-classifier"));
    }

    @Test
    void aStreamMessageThatDoesNotParseEndsTheStreamAndNothingElse() throws Exception {
        io.grpc.ClientCall<byte[], byte[]> call = server.channel()
                .newCall(
                        RawCalls.descriptor(
                                "llmaos.v1.InferenceService/InferStream", MethodDescriptor.MethodType.BIDI_STREAMING),
                        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        java.util.concurrent.CompletableFuture<Status> closed = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
        call.start(
                new io.grpc.ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        answers.incrementAndGet();
                    }

                    @Override
                    public void onClose(Status status, io.grpc.Metadata trailers) {
                        closed.complete(status);
                    }
                },
                new io.grpc.Metadata());
        call.request(Integer.MAX_VALUE);
        for (int i = 0; i < 20; i++) {
            call.sendMessage(DemoRequests.mlpRequest("mlp-classifier").toBuilder()
                    .setRequestId("ok-" + i)
                    .build()
                    .toByteArray());
        }
        call.sendMessage(new byte[] {0x08, (byte) 0x80});
        Status status = closed.get(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
        assertTrue(answers.get() <= 20);
        // the server goes on, the model has nothing left in flight
        server.inference().infer(DemoRequests.mlpRequest("mlp-classifier"));
        TimeoutsAndTextTest.assertIdle(server, "mlp-classifier");
    }

    @Test
    void errorsQuotingHugeInputsStayUnderTheCommonEightKibHeaderLimit() {
        String longName = "m".repeat(10_000);
        InferRequest.Builder manyInputs = DemoRequests.mlpRequest("mlp-classifier").toBuilder();
        InferRequest.Builder manyOutputs = DemoRequests.mlpRequest("mlp-classifier").toBuilder();
        for (int i = 0; i < 10_000; i++) {
            manyInputs.addInputs(Tensor.newBuilder()
                    .setName("unknown-" + i + "-" + "x".repeat(50))
                    .setDatatype(DataType.FP32)
                    .addShape(1)
                    .addShape(1));
            manyOutputs.addOutputs(RequestedOutput.newBuilder().setName("nothing-" + i));
        }
        ModelInferRequest.Builder oipManyInputs = ModelInferRequest.newBuilder().setModelName("mlp-classifier");
        for (int i = 0; i < 10_000; i++) {
            oipManyInputs.addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("in-" + i)
                    .setDatatype("NOT-A-TYPE-" + "y".repeat(40))
                    .addShape(1));
        }
        var inference = InferenceServiceGrpc.newBlockingStub(strict).withDeadlineAfter(30, TimeUnit.SECONDS);
        var oip = GRPCInferenceServiceGrpc.newBlockingStub(strict).withDeadlineAfter(30, TimeUnit.SECONDS);
        var repository = ModelRepositoryServiceGrpc.newBlockingStub(strict).withDeadlineAfter(30, TimeUnit.SECONDS);
        List<Supplier<Object>> calls = List.of(
                () -> inference.infer(DemoRequests.mlpRequest(longName)),
                () -> inference.infer(manyInputs.build()),
                () -> inference.infer(manyOutputs.build()),
                () -> oip.modelInfer(
                        ModelInferRequest.newBuilder().setModelName(longName).build()),
                () -> oip.modelInfer(oipManyInputs.build()),
                () -> oip.modelMetadata(
                        ModelMetadataRequest.newBuilder().setName(longName).build()),
                () -> oip.modelMetadata(ModelMetadataRequest.newBuilder()
                        .setName("mlp-classifier")
                        .setVersion("v" + "9".repeat(10_000))
                        .build()),
                () -> repository.getModel(
                        GetModelRequest.newBuilder().setName(longName).build()),
                () -> repository.loadModel(
                        LoadModelRequest.newBuilder().setName(longName).build()));
        for (Supplier<Object> call : calls) {
            StatusRuntimeException e =
                    org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, call::get);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
            assertNotNull(errorInfo(e), "every error carries ErrorInfo: " + e);
        }
        assertTrue(raw.largestTrailers() < 4096, "largest trailers: " + raw.largestTrailers() + " bytes");
    }

    @Test
    void oddValuesGetOneDocumentedAnswerEach() {
        var oip = server.oip();
        ModelInferRequest mlp = io.llmaos.server.DemoRequests.oipMlp("mlp-classifier");
        // Triton's priority parameter is an integer
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> oip.modelInfer(mlp.toBuilder()
                        .putParameters(
                                "priority",
                                InferParameter.newBuilder()
                                        .setStringParam("high")
                                        .build())
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> oip.modelInfer(mlp.toBuilder()
                        .putParameters(
                                "timeout",
                                InferParameter.newBuilder().setInt64Param(-5).build())
                        .build()));
        oip.modelInfer(mlp.toBuilder()
                .putParameters(
                        "priority", InferParameter.newBuilder().setInt64Param(1).build())
                .putParameters(
                        "timeout",
                        InferParameter.newBuilder().setUint64Param(-1L).build())
                .build());
        // one repository: a named one is not supported, as Triton answers
        assertCode(
                Status.Code.UNIMPLEMENTED,
                () -> oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setRepositoryName("../../etc")
                        .setModelName("mlp-classifier")
                        .build()));
        assertCode(
                Status.Code.UNIMPLEMENTED,
                () -> oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                        .setRepositoryName("../../etc")
                        .setModelName("mlp-classifier")
                        .build()));
        assertCode(
                Status.Code.UNIMPLEMENTED,
                () -> oip.repositoryIndex(RepositoryIndexRequest.newBuilder()
                        .setRepositoryName("x")
                        .build()));
        // a classifier reads top_k (1..classifier.top_k); other parameters are refused, not ignored
        var inference = server.inference();
        InferRequest row = DemoRequests.mlpRequest("mlp-classifier");
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> inference.infer(
                        row.toBuilder().putParameters("top_k", "abc").build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> inference.infer(
                        row.toBuilder().putParameters("top_k", "2").build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> inference.infer(row.toBuilder().putParameters("topk", "1").build()));
        assertEquals(
                1,
                inference
                        .infer(row.toBuilder().putParameters("top_k", "1").build())
                        .getOutputs(1)
                        .getContents()
                        .getBytesContentsCount());
        // empty tensors never reach an engine (TensorFlow crashed the process on one in a fuzz run)
        InferRequest empty = row.toBuilder()
                .setInputs(0, row.getInputs(0).toBuilder().setShape(0, 0).clearContents())
                .build();
        assertCode(Status.Code.INVALID_ARGUMENT, () -> inference.infer(empty));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> oip.modelInfer(mlp.toBuilder()
                        .setInputs(
                                0, mlp.getInputs(0).toBuilder().setShape(0, 0).clearContents())
                        .build()));
        // past the message limit: the transport's own RESOURCE_EXHAUSTED, and the server goes on
        byte[] big = new byte[70 << 20];
        Status tooBig = RawCalls.unary(server.channel(), "llmaos.v1.InferenceService/Infer", big);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.getCode(), tooBig.toString());
        inference.infer(row);
    }

    static void assertCode(Status.Code expected, Supplier<Object> call) {
        StatusRuntimeException e =
                org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, call::get);
        assertEquals(expected, e.getStatus().getCode(), e.toString());
        assertNotNull(errorInfo(e), "every error carries ErrorInfo: " + e);
    }

    static ErrorInfo errorInfo(StatusRuntimeException e) {
        com.google.rpc.Status s = StatusProto.fromThrowable(e);
        if (s == null) {
            return null;
        }
        return s.getDetailsList().stream()
                .filter(a -> a.is(ErrorInfo.class))
                .findFirst()
                .map(a -> {
                    try {
                        return a.unpack(ErrorInfo.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                        throw new AssertionError(x);
                    }
                })
                .orElse(null);
    }
}
