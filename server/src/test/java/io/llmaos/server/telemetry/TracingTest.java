package io.llmaos.server.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TempRepository;
import io.llmaos.server.TestServer;
import io.llmaos.server.core.runtime.Clock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request traces through the real server, collected by the SDK's in-memory exporter: a server span
 * per request with queue and batch children (the batch linked to the other requests it ran with), a
 * generation's admission, prefill and decode summary, the client's traceparent continued, errors
 * marked, and no payload in any attribute.
 */
class TracingTest {
    private static final String PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";
    private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("llmaos-tracing-");
        TempRepository repo = new TempRepository(dir);
        // a queue delay, so that concurrent requests run in shared batches
        repo.copyMlpWithQueueDelay("mlp", 20000);
        repo.copyDemo("gpt-kjv", "gpt");
        server = TestServer.traced(dir, "mlp,gpt", Map.of(), Tracing.to(spans, 1.0, Clock.system()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        TempRepository.deleteTree(dir);
    }

    @BeforeEach
    void clear() {
        spans.reset();
    }

    @Test
    void aTensorRequestIsAServerSpanWithItsQueueWaitAndBatchExecution() throws Exception {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER), "team-a");
        InferRequest request = DemoRequests.mlpRequest("mlp").toBuilder()
                .setRequestId("t-1")
                .setPriority(1)
                .build();
        InferenceServiceGrpc.newBlockingStub(with(h)).infer(request);

        SpanData root = await(s -> s.getKind() == SpanKind.SERVER, 1).get(0);
        assertEquals("llmaos.v1.InferenceService/Infer", root.getName());
        assertEquals("grpc", attr(root, "rpc.system"));
        assertEquals("llmaos.v1.InferenceService", attr(root, "rpc.service"));
        assertEquals("Infer", attr(root, "rpc.method"));
        assertEquals("infer", attr(root, "llmaos.api"));
        assertEquals("mlp", attr(root, "llmaos.model"));
        assertEquals("team-a", attr(root, "llmaos.tenant"));
        assertEquals("t-1", attr(root, "llmaos.request.id"));
        assertEquals(1L, root.getAttributes().get(AttributeKey.longKey("llmaos.priority")));
        assertEquals(0L, root.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")));
        assertEquals(1L, root.getAttributes().get(AttributeKey.longKey("llmaos.model.version")));
        assertFalse(root.getParentSpanContext().isValid(), "no client context: a new trace");
        noPayload(root);

        List<SpanData> children = childrenOf(root);
        assertEquals(Set.of("llmaos.queue", "llmaos.batch"), names(children));
        SpanData queue = named(children, "llmaos.queue");
        SpanData batch = named(children, "llmaos.batch");
        assertEquals(1L, queue.getAttributes().get(AttributeKey.longKey("llmaos.priority.level")));
        assertEquals(1L, batch.getAttributes().get(AttributeKey.longKey("llmaos.batch.size")));
        assertEquals(queue.getEndEpochNanos(), batch.getStartEpochNanos(), "the batch starts as the wait ends");
        for (SpanData child : children) {
            assertEquals(SpanKind.INTERNAL, child.getKind());
            assertTrue(child.getStartEpochNanos() >= root.getStartEpochNanos(), child.getName() + " starts inside");
            assertTrue(child.getEndEpochNanos() <= root.getEndEpochNanos(), child.getName() + " ends inside");
            assertTrue(child.getEndEpochNanos() >= child.getStartEpochNanos());
        }
        long wall = System.currentTimeMillis() * 1_000_000L;
        assertTrue(Math.abs(wall - root.getEndEpochNanos()) < TimeUnit.SECONDS.toNanos(60), "on the epoch");
    }

    @Test
    void aBatchExecutionIsLinkedToEveryOtherRequestInTheBatch() throws Exception {
        var stub = InferenceServiceGrpc.newFutureStub(server.channel());
        List<ListenableFuture<InferResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            calls.add(stub.infer(DemoRequests.mlpRequest("mlp")));
        }
        int largest = 0;
        for (ListenableFuture<InferResponse> f : calls) {
            largest = Math.max(largest, f.get(60, TimeUnit.SECONDS).getTiming().getBatchSize());
        }
        assertTrue(largest > 1, "no shared batch formed");
        List<SpanData> batches = await(s -> s.getName().equals("llmaos.batch"), 48);
        Map<String, SpanData> batchOf = batches.stream().collect(Collectors.toMap(SpanData::getParentSpanId, s -> s));
        int shared = 0;
        for (SpanData b : batches) {
            long size = b.getAttributes().get(AttributeKey.longKey("llmaos.batch.size"));
            assertEquals(size - 1, b.getLinks().size(), "one link per other request of the batch");
            for (LinkData link : b.getLinks()) {
                SpanData other = batchOf.get(link.getSpanContext().getSpanId());
                assertNotNull(other, "a link names another request's server span");
                // the same execution (times on the epoch agree within the clock anchor's renewal)
                assertEquals(b.getStartEpochNanos(), other.getStartEpochNanos(), 1_000_000.0, "the same execution");
                assertEquals(b.getEndEpochNanos(), other.getEndEpochNanos(), 1_000_000.0, "the same execution");
            }
            shared += size > 1 ? 1 : 0;
        }
        assertTrue(shared > 1, "shared batches traced: " + shared);
    }

    @Test
    void aClientsTraceparentIsContinued() throws Exception {
        Metadata h = new Metadata();
        h.put(
                Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + PARENT_TRACE + "-" + PARENT_SPAN + "-01");
        InferenceServiceGrpc.newBlockingStub(with(h)).infer(DemoRequests.mlpRequest("mlp"));
        SpanData root = await(s -> s.getKind() == SpanKind.SERVER, 1).get(0);
        assertEquals(PARENT_TRACE, root.getTraceId());
        assertEquals(PARENT_SPAN, root.getParentSpanId());
        assertTrue(root.getParentSpanContext().isRemote());
        for (SpanData child : childrenOf(root)) {
            assertEquals(PARENT_TRACE, child.getTraceId());
        }
    }

    @Test
    void aGenerationSpanHoldsAdmissionPrefillAndOneDecodeSummary() throws Exception {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModelName("gpt")
                .setText("In the beginning")
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(12).setIgnoreEos(true))
                .build();
        GenerateResponse last = null;
        for (Iterator<GenerateResponse> it = server.inference().generate(request); it.hasNext(); ) {
            last = it.next();
        }
        assertNotNull(last);
        int generated = last.getUsage().getGeneratedTokens();
        assertEquals(12, generated);
        SpanData root = await(s -> s.getKind() == SpanKind.SERVER, 1).get(0);
        assertEquals("llmaos.v1.InferenceService/Generate", root.getName());
        assertEquals("gpt", attr(root, "llmaos.model"));
        noPayload(root);
        List<SpanData> children = childrenOf(root);
        assertEquals(Set.of("llmaos.admission", "llmaos.prefill", "llmaos.decode"), names(children));
        assertEquals(3, children.size(), "one decode summary, not a span per token");
        SpanData prefill = named(children, "llmaos.prefill");
        assertEquals(
                (long) last.getUsage().getPromptTokens(),
                prefill.getAttributes().get(AttributeKey.longKey("llmaos.prefill.tokens")));
        SpanData decode = named(children, "llmaos.decode");
        // the first token comes from the prefill, each further one from a decode step
        assertEquals(generated - 1L, decode.getAttributes().get(AttributeKey.longKey("llmaos.decode.steps")));
        assertEquals((long) generated, decode.getAttributes().get(AttributeKey.longKey("llmaos.tokens.generated")));
        double stepTime = decode.getAttributes().get(AttributeKey.doubleKey("llmaos.decode.step_time"));
        double span = (decode.getEndEpochNanos() - decode.getStartEpochNanos()) / 1e9;
        assertTrue(stepTime > 0 && stepTime <= span + 1e-6, stepTime + " s of steps in a " + span + " s span");
        assertTrue(named(children, "llmaos.admission").getEndEpochNanos() <= prefill.getStartEpochNanos());
        assertTrue(prefill.getEndEpochNanos() <= decode.getStartEpochNanos());
    }

    @Test
    void oipModelInferIsNamedByItsMethodAndAFailureIsMarked() throws Exception {
        ModelInferRequest request = DemoRequests.oipMlp("mlp");
        server.oip().modelInfer(request);
        SpanData ok = await(s -> s.getKind() == SpanKind.SERVER, 1).get(0);
        assertEquals("inference.GRPCInferenceService/ModelInfer", ok.getName());
        assertEquals("model_infer", attr(ok, "llmaos.api"));
        spans.reset();

        var blocking = GRPCInferenceServiceGrpc.newBlockingStub(server.channel());
        assertThrows(
                StatusRuntimeException.class,
                () -> blocking.modelInfer(
                        request.toBuilder().setModelName("nope").build()));
        SpanData missing = await(s -> s.getKind() == SpanKind.SERVER, 1).get(0);
        assertEquals(5L, missing.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")));
        assertEquals("NOT_FOUND", attr(missing, "llmaos.status"));
        assertEquals(
                StatusCode.UNSET, missing.getStatus().getStatusCode(), "a client's error, as OTel's RPC rules say");
        assertEquals(List.of(), childrenOf(missing), "it never reached a queue");
    }

    @Test
    void tritonsTraceSettingTurnsSamplingOffAndOn() throws Exception {
        var settings = io.llmaos.proto.oip.TraceSettingRequest.newBuilder();
        var blocking = GRPCInferenceServiceGrpc.newBlockingStub(server.channel());
        var now = blocking.traceSetting(settings.build()).getSettingsMap();
        assertEquals(List.of("TIMESTAMPS"), now.get("trace_level").getValueList(), "ratio 1 at start");
        assertEquals(List.of("1"), now.get("trace_rate").getValueList());
        try {
            blocking.traceSetting(
                    settings.clone().putSettings("trace_level", value("OFF")).build());
            for (int i = 0; i < 5; i++) {
                server.inference().infer(DemoRequests.mlpRequest("mlp"));
            }
            Thread.sleep(200);
            assertEquals(List.of(), spans.getFinishedSpanItems(), "OFF: no new trace");
            blocking.traceSetting(settings.clone()
                    .putSettings("trace_level", value("TIMESTAMPS"))
                    .putSettings("trace_rate", value("2"))
                    .build());
            for (int i = 0; i < 400; i++) {
                server.inference().infer(DemoRequests.mlpRequest("mlp"));
            }
            Thread.sleep(200);
            long traced = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getKind() == SpanKind.SERVER)
                    .count();
            assertTrue(traced > 120 && traced < 280, "one in 2 of 400 sampled: " + traced);
        } finally {
            blocking.traceSetting(settings.clone()
                    .putSettings("trace_level", value("TIMESTAMPS"))
                    .putSettings("trace_rate", value("1"))
                    .build());
        }
    }

    private static io.llmaos.proto.oip.TraceSettingRequest.SettingValue value(String v) {
        return io.llmaos.proto.oip.TraceSettingRequest.SettingValue.newBuilder()
                .addValue(v)
                .build();
    }

    private static Channel with(Metadata headers) {
        return ClientInterceptors.intercept(server.channel(), MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Waits until {@code count} finished spans match, and returns them. */
    static List<SpanData> await(Predicate<SpanData> match, int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<SpanData> found =
                    spans.getFinishedSpanItems().stream().filter(match).toList();
            if (found.size() >= count || System.nanoTime() > end) {
                assertEquals(count, found.size(), "spans " + spans.getFinishedSpanItems());
                return found;
            }
            Thread.sleep(10);
        }
    }

    private static List<SpanData> childrenOf(SpanData parent) throws InterruptedException {
        Thread.sleep(50);
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .peek(s -> assertEquals(parent.getTraceId(), s.getTraceId()))
                .toList();
    }

    private static Set<String> names(List<SpanData> list) {
        return list.stream().map(SpanData::getName).collect(Collectors.toSet());
    }

    private static SpanData named(List<SpanData> list, String name) {
        return list.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    private static String attr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.stringKey(key));
    }

    /** Attributes name what ran, never what it ran on: no prompt, no tensor values. */
    private static void noPayload(SpanData s) {
        String all = s.getAttributes().toString();
        assertFalse(all.contains("beginning"), all);
        assertFalse(all.contains("0.0625"), all);
    }
}
