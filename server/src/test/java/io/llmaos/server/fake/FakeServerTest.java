package io.llmaos.server.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.llmaos.proto.v1.FinishReason;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.TenantQuota;
import io.llmaos.server.TestServer;
import io.llmaos.server.model.engine.EngineType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server, scheduler and lifecycle on the fake engine (no native library): Infer answers
 * with the fake's function, Generate streams its counting tokens, and Generate obeys tenant quotas
 * with a retry hint, as Infer does.
 */
class FakeServerTest {
    @TempDir
    static Path repo;

    private static final FakeBehaviour behaviour = new FakeBehaviour();
    private static final FakeEngine engine = new FakeEngine(EngineType.PYTORCH, behaviour);
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        FakeModels.tensor(repo, "fake-tensor", 8, "");
        FakeModels.generative(repo, "fake-gpt", "", "");
        server = TestServer.start(repo, "fake-tensor,fake-gpt", Map.of(), List.of(engine));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static InferRequest row(String model, float... values) {
        return io.llmaos.server.DemoRequests.fakeRow(model, values);
    }

    @Test
    void inferAnswersWithTheFakesFunction() {
        InferResponse r = server.inference().infer(row("fake-tensor", 1, 2, 3, 4));
        assertEquals(List.of(10f, 11f), r.getOutputs(0).getContents().getFp32ContentsList());
        assertEquals(List.of(1L, 2L), r.getOutputs(0).getShapeList());
    }

    @Test
    void engineFailureIsAnErrorForThatRequestOnly() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class, () -> server.inference().infer(row("fake-tensor", -1, 0, 0, 0)));
        assertEquals(
                Status.Code.INTERNAL, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(
                List.of(1f, 2f),
                server.inference()
                        .infer(row("fake-tensor", 1, 0, 0, 0))
                        .getOutputs(0)
                        .getContents()
                        .getFp32ContentsList());
    }

    @Test
    void generateStreamsCountingTokens() {
        List<GenerateResponse> all = new ArrayList<>();
        server.inference()
                .generate(GenerateRequest.newBuilder()
                        .setModelName("fake-gpt")
                        .setText("a")
                        .setSampling(SamplingParams.newBuilder().setMaxNewTokens(5))
                        .build())
                .forEachRemaining(all::add);
        StringBuilder text = new StringBuilder();
        all.forEach(r -> r.getTokensList().forEach(t -> text.append(t.getText())));
        assertEquals("bcdef", text.toString());
        assertEquals(FinishReason.LENGTH, all.get(all.size() - 1).getFinishReason());
    }

    @Test
    void generateEndsAtEos() {
        List<GenerateResponse> all = new ArrayList<>();
        server.inference()
                .generate(GenerateRequest.newBuilder()
                        .setModelName("fake-gpt")
                        .setText("w")
                        .build())
                .forEachRemaining(all::add);
        StringBuilder text = new StringBuilder();
        all.forEach(r -> r.getTokensList().forEach(t -> text.append(t.getText())));
        assertEquals("xyz", text.toString());
        assertEquals(FinishReason.EOS, all.get(all.size() - 1).getFinishReason());
    }

    @Test
    void generateObeysTenantQuotasAndCountsItsTenants() throws InvalidProtocolBufferException {
        SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler =
                SchedulerServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
        scheduler.setPolicy(SetPolicyRequest.newBuilder()
                .setPolicy(SchedulingPolicy.newBuilder()
                        .setModelName("fake-gpt")
                        .addTenants(TenantPolicy.newBuilder()
                                .setName("capped")
                                .setQuota(TenantQuota.newBuilder()
                                        .setMaxRequestsPerSecond(0.001)
                                        .setBurst(1))))
                .build());
        InferenceServiceGrpc.InferenceServiceBlockingStub capped = tenant("capped");
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModelName("fake-gpt")
                .setText("a")
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(2))
                .build();
        capped.generate(request).forEachRemaining(r -> {});
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class, () -> capped.generate(request).forEachRemaining(r -> {}));
        assertEquals(
                Status.Code.RESOURCE_EXHAUSTED,
                e.getStatus().getCode(),
                e.getStatus().toString());
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        boolean retryInfo = false;
        for (com.google.protobuf.Any any : details.getDetailsList()) {
            retryInfo |= any.is(com.google.rpc.RetryInfo.class)
                            && any.unpack(com.google.rpc.RetryInfo.class)
                                            .getRetryDelay()
                                            .getNanos()
                                    > 0
                    || any.is(com.google.rpc.RetryInfo.class)
                            && any.unpack(com.google.rpc.RetryInfo.class)
                                            .getRetryDelay()
                                            .getSeconds()
                                    > 0;
        }
        assertTrue(retryInfo, "RESOURCE_EXHAUSTED carries a retry hint: " + details);
        // other tenants go on
        Iterator<GenerateResponse> other = tenant("other").generate(request);
        other.forEachRemaining(r -> {});
        ModelSchedulerStats stats = scheduler
                .getStats(GetStatsRequest.newBuilder().addModelNames("fake-gpt").build())
                .getModels(0);
        assertTrue(
                stats.getTenantsList().stream()
                        .anyMatch(t -> t.getTenant().equals("capped")
                                && t.getRejections().getQuota() >= 1),
                stats.toString());
    }

    private static InferenceServiceGrpc.InferenceServiceBlockingStub tenant(String name) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER), name);
        return InferenceServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
