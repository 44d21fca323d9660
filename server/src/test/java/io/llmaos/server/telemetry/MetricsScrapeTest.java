package io.llmaos.server.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint of a real server: after a known number of requests the scrape shows those
 * counts per label set, a refused request shows under its reason, and Triton's cumulative counters add
 * up.
 */
public class MetricsScrapeTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** The value of the sample of {@code metric} whose labels include every one of {@code labels}. */
    public static double value(String scrape, String metric, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            boolean all = true;
            for (String l : labels) {
                all &= m.group(1).contains(l);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no sample " + metric + " with " + String.join(",", labels) + " in\n" + scrape);
    }

    @Test
    void theScrapeCountsRequestsByLabelsAndRejectionsByReason() throws Exception {
        int port = freePort();
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv", Map.of(Setting.METRICS_PORT, String.valueOf(port)))) {
            for (int i = 0; i < 5; i++) {
                server.inference().infer(DemoRequests.mlpRequest("mlp-classifier"));
            }
            assertThrows(
                    StatusRuntimeException.class,
                    () -> server.inference()
                            .infer(DemoRequests.mlpRequest("mlp-classifier").toBuilder()
                                    .setPriority(9)
                                    .build()));
            assertThrows(
                    StatusRuntimeException.class,
                    () -> server.inference().infer(DemoRequests.mlpRequest("no-such-model")));
            server.inference()
                    .generate(io.llmaos.proto.v1.GenerateRequest.newBuilder()
                            .setModelName("gpt-kjv")
                            .setText("And God said")
                            .setSampling(io.llmaos.proto.v1.SamplingParams.newBuilder()
                                    .setMaxNewTokens(8)
                                    .setIgnoreEos(true))
                            .build())
                    .forEachRemaining(r -> {});
            String scrape = scrape(port);
            String model = "model=\"mlp-classifier\"";
            assertEquals(5, value(scrape, "llmaos_requests_total", model, "version=\"1\""));
            assertEquals(5, value(scrape, "llmaos_tenant_requests_total", model, "tenant=\"default\""));
            assertEquals(1, value(scrape, "llmaos_request_rejections_total", model, "reason=\"invalid\""));
            assertEquals(0, value(scrape, "llmaos_request_rejections_total", model, "reason=\"quota\""));
            assertEquals(5, value(scrape, "llmaos_inference_requests_total", model, "outcome=\"success\""));
            assertEquals(5, value(scrape, "llmaos_inference_count_total", model));
            double executions = value(scrape, "llmaos_inference_executions_total", model);
            assertTrue(executions >= 1 && executions <= 5, String.valueOf(executions));
            assertTrue(value(scrape, "llmaos_inference_request_time_seconds_total", model, "outcome=\"success\"") > 0);
            assertTrue(value(scrape, "llmaos_inference_compute_time_seconds_total", model, "phase=\"infer\"") > 0);
            assertEquals(0, value(scrape, "llmaos_queue_depth", model));
            assertTrue(value(scrape, "llmaos_model_memory_bytes", model) > 0);
            assertEquals(1, value(scrape, "llmaos_model_state", model, "state=\"READY\""));
            assertEquals(0, value(scrape, "llmaos_model_state", model, "state=\"LOADING\""));
            assertTrue(value(scrape, "llmaos_model_load_time_seconds", model) > 0);
            assertTrue(value(scrape, "llmaos_process_memory_rss_bytes") > 0);
            assertTrue(value(scrape, "llmaos_jvm_heap_used_bytes") > 0);
            assertTrue(value(scrape, "llmaos_network_received_bytes_total") > 0);
            assertTrue(value(scrape, "llmaos_network_sent_bytes_total") > 0);
            assertEquals(1, value(scrape, "llmaos_connections"), "the test's one channel");
            double u = value(scrape, "llmaos_utilization");
            assertTrue(u > 0 && u <= 1, String.valueOf(u));
            double lb = value(scrape, "llmaos_load_balance");
            assertTrue(lb >= 0 && lb <= 1, String.valueOf(lb));
            // histograms recorded as requests happen: counts add up, the +Inf bucket holds them all
            assertEquals(5, value(scrape, "llmaos_request_duration_seconds_count", model));
            assertEquals(5, value(scrape, "llmaos_request_duration_seconds_bucket", model, "le=\"+Inf\""));
            assertTrue(value(scrape, "llmaos_request_duration_seconds_sum", model) > 0);
            assertEquals(5, value(scrape, "llmaos_queue_duration_seconds_count", model));
            assertEquals(executions, value(scrape, "llmaos_batch_size_count", model));
            String gpt = "model=\"gpt-kjv\"";
            assertEquals(8, value(scrape, "llmaos_generation_tokens_total", gpt));
            assertEquals(1, value(scrape, "llmaos_generation_time_to_first_token_seconds_count", gpt));
            assertEquals(7, value(scrape, "llmaos_generation_inter_token_latency_seconds_count", gpt));
            assertEquals(1, value(scrape, "llmaos_generation_duration_seconds_count", gpt));
            // requests by API, model and status as they end; a model that was not found is not a label
            assertEquals(5, value(scrape, "llmaos_api_requests_total", "api=\"infer\"", model, "status=\"OK\""));
            assertEquals(
                    1,
                    value(scrape, "llmaos_api_requests_total", "api=\"infer\"", model, "status=\"INVALID_ARGUMENT\""));
            assertEquals(1, value(scrape, "llmaos_api_requests_total", "model=\"(unknown)\"", "status=\"NOT_FOUND\""));
            assertFalse(scrape.contains("no-such-model"));
            assertEquals(1, value(scrape, "llmaos_api_requests_total", "api=\"generate\"", gpt, "status=\"OK\""));
            assertEquals(5, value(scrape, "llmaos_api_duration_seconds_count", "api=\"infer\"", "status=\"OK\""));
        }
    }
}
