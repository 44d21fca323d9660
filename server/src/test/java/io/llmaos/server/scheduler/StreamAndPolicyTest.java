package io.llmaos.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.InferTensorContents;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.GetPolicyRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferStreamResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.DemoServer;
import io.llmaos.server.QueueObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** InferStream, the three inference entry points agreeing, and policies set live. */
class StreamAndPolicyTest {
    @RegisterExtension
    static final DemoServer demo = new DemoServer("mlp-classifier", "mlp");

    @Test
    void inferStreamAnswersEveryRequestByIdIncludingErrors() throws Exception {
        QueueObserver<InferStreamResponse> answers = new QueueObserver<>();
        StreamObserver<InferRequest> requests =
                InferenceServiceGrpc.newStub(demo.get().channel()).inferStream(answers);
        InferRequest good = DemoRequests.mlpRequest("mlp");
        for (int i = 0; i < 100; i++) {
            InferRequest r = i % 10 == 9 ? good.toBuilder().setModelName("nope").build() : good;
            requests.onNext(r.toBuilder().setRequestId("r" + i).build());
        }
        requests.onCompleted();
        Map<String, InferStreamResponse> byId = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            InferStreamResponse a = answers.next();
            byId.put(a.getRequestId(), a);
        }
        assertEquals(100, byId.size());
        List<Float> expected =
                demo.get().inference().infer(good).getOutputs(0).getContents().getFp32ContentsList();
        for (int i = 0; i < 100; i++) {
            InferStreamResponse a = byId.get("r" + i);
            if (i % 10 == 9) {
                assertEquals(Code.NOT_FOUND_VALUE, a.getError().getCode(), a.toString());
            } else {
                // batched with others, a row may differ from the unbatched run in the last bits
                io.llmaos.server.ProtoTensors.assertClose(
                        expected, a.getResponse().getOutputs(0).getContents().getFp32ContentsList(), 1e-5);
                assertEquals("r" + i, a.getResponse().getRequestId());
            }
        }
    }

    @Test
    void inferInferStreamAndModelInferGiveTheSameResult() throws Exception {
        InferRequest r = DemoRequests.mlpRequest("mlp");
        List<Float> unary =
                demo.get().inference().infer(r).getOutputs(0).getContents().getFp32ContentsList();
        QueueObserver<InferStreamResponse> answers = new QueueObserver<>();
        StreamObserver<InferRequest> stream =
                InferenceServiceGrpc.newStub(demo.get().channel()).inferStream(answers);
        stream.onNext(r);
        stream.onCompleted();
        assertEquals(
                unary, answers.next().getResponse().getOutputs(0).getContents().getFp32ContentsList());
        InferTensorContents.Builder c = InferTensorContents.newBuilder()
                .addAllFp32Contents(r.getInputs(0).getContents().getFp32ContentsList());
        var oip = demo.get()
                .oip()
                .modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("mlp")
                        .putParameters(
                                "priority",
                                InferParameter.newBuilder().setInt64Param(1).build())
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("features")
                                .setDatatype("FP32")
                                .addShape(1)
                                .addShape(16)
                                .setContents(c))
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("scores"))
                        .build());
        assertEquals(unary, io.llmaos.server.model.DemoModelsTestAccess.floats(oip.getRawOutputContents(0)));
    }

    @Test
    void policiesAreValidatedAndAppliedLive() {
        var scheduler = SchedulerServiceGrpc.newBlockingStub(demo.get().channel());
        SchedulingPolicy before = scheduler.getPolicy(
                GetPolicyRequest.newBuilder().setModelName("mlp").build());
        assertEquals(1, before.getQueue().getLevelsCount());
        assertEquals(2, before.getInstances().getMax(), "from the model's config");

        StatusRuntimeException bad = assertThrows(
                StatusRuntimeException.class,
                () -> scheduler.setPolicy(SetPolicyRequest.newBuilder()
                        .setPolicy(SchedulingPolicy.newBuilder()
                                .setModelName("mlp")
                                .setQueue(QueuePolicy.newBuilder()
                                        .addLevels(PriorityLevel.newBuilder().setLevel(2)))
                                .addTenants(TenantPolicy.newBuilder().setName("bad name!")))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        assertTrue(bad.getStatus().getDescription().contains("policy.queue.levels[0].level"));
        assertTrue(bad.getStatus().getDescription().contains("policy.tenants[0].name"));

        SchedulingPolicy after = scheduler.setPolicy(SetPolicyRequest.newBuilder()
                .setPolicy(SchedulingPolicy.newBuilder()
                        .setModelName("mlp")
                        .setQueue(QueuePolicy.newBuilder()
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(1).setMaxQueueSize(10))
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(2).setMaxQueueSize(10))
                                .addLevels(
                                        PriorityLevel.newBuilder().setLevel(3).setMaxQueueSize(10))))
                .build());
        assertEquals(3, after.getQueue().getLevelsCount());
        assertEquals(3, after.getQueue().getDefaultPriority(), "the lowest level by default");
        assertEquals(
                1,
                demo.get()
                        .inference()
                        .infer(DemoRequests.mlpRequest("mlp").toBuilder()
                                .setPriority(3)
                                .build())
                        .getModelVersion());
        StatusRuntimeException level = assertThrows(
                StatusRuntimeException.class,
                () -> demo.get()
                        .inference()
                        .infer(DemoRequests.mlpRequest("mlp").toBuilder()
                                .setPriority(4)
                                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, level.getStatus().getCode());
        scheduler.setPolicy(SetPolicyRequest.newBuilder()
                .setPolicy(SchedulingPolicy.newBuilder().setModelName("mlp"))
                .build());
    }

    @Test
    void aMalformedTenantHeaderIsRefused() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER), "no spaces allowed");
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> demo.get()
                        .inference()
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .infer(DemoRequests.mlpRequest("mlp")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }
}
