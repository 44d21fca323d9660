package io.llmaos.server.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import io.llmaos.server.core.runtime.Clock;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sampling is parent-based: at ratio 0 a request is traced only when its client sampled its own
 * trace, and a client that did not sample is not overridden.
 */
class TraceSamplingTest {
    @Test
    void theClientsSampledFlagDecidesAtRatioZero() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (TestServer server = TestServer.traced(
                TestServer.DEMO_MODELS, "mlp-classifier", Map.of(), Tracing.to(spans, 0.0, Clock.system()))) {
            var plain = server.inference();
            for (int i = 0; i < 20; i++) {
                plain.infer(DemoRequests.mlpRequest("mlp-classifier"));
            }
            infer(server, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
            infer(server, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            // the last request's spans end after its answer: wait for its server span
            long end = System.nanoTime() + 30_000_000_000L;
            while (spans.getFinishedSpanItems().stream()
                            .noneMatch(s -> s.getParentSpanContext().isRemote())
                    && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
            List<SpanData> all = spans.getFinishedSpanItems();
            assertEquals(3, all.size(), "only the sampled client's request: " + all);
            all.forEach(s -> assertEquals("0af7651916cd43dd8448eb211c80319c", s.getTraceId()));
        }
    }

    private static void infer(TestServer server, String traceparent) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
        InferenceServiceGrpc.newBlockingStub(
                        ClientInterceptors.intercept(server.channel(), MetadataUtils.newAttachHeadersInterceptor(h)))
                .infer(DemoRequests.mlpRequest("mlp-classifier"));
    }
}
