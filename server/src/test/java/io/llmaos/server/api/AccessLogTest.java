package io.llmaos.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** --access-log: one JSON line per finished request, with ids, status and timings, never a payload. */
class AccessLogTest {
    private static final String MARKER = "Zanzibar-quokka-7731";

    @Test
    void eachFinishedRequestWritesOneJsonLineWithoutItsPayload() throws Exception {
        List<String> lines = new ArrayList<>();
        Logger access = Logger.getLogger(RequestEnds.LOGGER);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (lines) {
                    lines.add(r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        access.addHandler(capture);
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv", Map.of(Setting.ACCESS_LOG, "true"))) {
            server.inference()
                    .infer(DemoRequests.mlpRequest("mlp-classifier").toBuilder()
                            .setRequestId("r-ok")
                            .build());
            assertThrows(
                    io.grpc.StatusRuntimeException.class,
                    () -> server.inference()
                            .infer(DemoRequests.mlpRequest("mlp-classifier").toBuilder()
                                    .setRequestId("r-bad")
                                    .setPriority(9)
                                    .build()));
            server.inference()
                    .generate(GenerateRequest.newBuilder()
                            .setModelName("gpt-kjv")
                            .setRequestId("g-1")
                            .setText(MARKER)
                            .setSampling(SamplingParams.newBuilder()
                                    .setMaxNewTokens(4)
                                    .setIgnoreEos(true))
                            .build())
                    .forEachRemaining(r -> {});
            // refused before any model was found: still one line each
            assertThrows(
                    io.grpc.StatusRuntimeException.class,
                    () -> server.oip()
                            .modelInfer(io.llmaos.proto.oip.ModelInferRequest.newBuilder()
                                    .setModelName("nope")
                                    .setId("m-missing")
                                    .build()));
            assertThrows(
                    io.grpc.StatusRuntimeException.class,
                    () -> server.inference()
                            .generate(GenerateRequest.newBuilder()
                                    .setRequestId("g-nameless")
                                    .setText(MARKER)
                                    .build())
                            .forEachRemaining(r -> {}));
            long end = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < end) {
                synchronized (lines) {
                    if (lines.size() >= 5) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
        } finally {
            access.removeHandler(capture);
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> parsed = new ArrayList<>();
        synchronized (lines) {
            for (String l : lines) {
                assertFalse(l.contains(MARKER), "a prompt reached the access log: " + l);
                parsed.add(json.readTree(l));
            }
        }
        assertEquals(5, parsed.size(), lines.toString());
        JsonNode missing = find(parsed, "m-missing");
        assertEquals("model_infer", missing.get("api").asText());
        assertEquals("NOT_FOUND", missing.get("status").asText());
        assertEquals(
                "INVALID_ARGUMENT", find(parsed, "g-nameless").get("status").asText());
        JsonNode ok = find(parsed, "r-ok");
        assertEquals("infer", ok.get("api").asText());
        assertEquals("OK", ok.get("status").asText());
        assertEquals("default", ok.get("tenant").asText());
        assertEquals("mlp-classifier", ok.get("model").asText());
        assertEquals(1, ok.get("version").asLong());
        assertEquals(1, ok.get("batch_size").asInt());
        assertTrue(ok.get("total_us").asLong() >= ok.get("compute_us").asLong());
        assertEquals("INVALID_ARGUMENT", find(parsed, "r-bad").get("status").asText());
        JsonNode g = find(parsed, "g-1");
        assertEquals("generate", g.get("api").asText());
        assertEquals("OK", g.get("status").asText());
        assertEquals(4, g.get("generated_tokens").asInt());
        assertTrue(g.get("prompt_tokens").asInt() > 0);
        assertTrue(g.has("time") && g.has("queue_us") && g.has("first_token_us"));
        java.time.Instant at = java.time.Instant.parse(g.get("time").asText());
        assertTrue(
                Math.abs(java.time.Duration.between(at, java.time.Instant.now()).toSeconds()) < 120,
                "the line's time is now, as ISO-8601 UTC: " + g.get("time"));
        assertTrue(
                g.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
                g.get("time").asText());
    }

    private static JsonNode find(List<JsonNode> lines, String requestId) {
        return lines.stream()
                .filter(l -> l.get("request_id").asText().equals(requestId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + requestId + " in " + lines));
    }
}
