package io.llmaos.server.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * --otlp-endpoint: metrics are pushed as OTLP/HTTP protobuf to the collector's /v1/metrics, and with
 * --trace-sample-ratio the sampled requests' spans to its /v1/traces.
 */
class OtlpPushTest {
    /** One request the fake collector received. */
    private record Received(String path, String contentType, byte[] body) {}

    @Test
    void metricsArePushedToTheCollector() throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            received.add(new Received(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS,
                "mlp-classifier",
                Map.of(
                        Setting.OTLP_ENDPOINT,
                        "http://127.0.0.1:" + collector.getAddress().getPort() + "/",
                        Setting.OTLP_INTERVAL,
                        "1s",
                        Setting.TRACE_SAMPLE_RATIO,
                        "1"))) {
            server.inference().infer(DemoRequests.mlpRequest("mlp-classifier"));
            Received push = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end) {
                Received r = received.poll(1, TimeUnit.SECONDS);
                if (r != null && new String(r.body(), StandardCharsets.ISO_8859_1).contains("llmaos.api.requests")) {
                    push = r;
                    break;
                }
            }
            assertNotNull(push, "no OTLP push with the request counters arrived");
            assertEquals("/v1/metrics", push.path());
            assertEquals("application/x-protobuf", push.contentType());
            String body = new String(push.body(), StandardCharsets.ISO_8859_1);
            assertTrue(body.contains("llmaos.requests") && body.contains("mlp-classifier"));
            Received spans = null;
            while (System.nanoTime() < end && spans == null) {
                Received r = received.poll(1, TimeUnit.SECONDS);
                if (r != null && r.path().equals("/v1/traces")) {
                    spans = r;
                }
            }
            assertNotNull(spans, "no OTLP push of the sampled request's spans arrived");
            assertEquals("application/x-protobuf", spans.contentType());
            String traces = new String(spans.body(), StandardCharsets.ISO_8859_1);
            assertTrue(
                    traces.contains("llmaos.v1.InferenceService/Infer") && traces.contains("llmaos.batch"),
                    "the server span and its batch child");
        } finally {
            collector.stop(0);
        }
    }
}
