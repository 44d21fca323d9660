package io.llmaos.server.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/grafana/llmaos-dashboard.json parses, and every metric it queries exists in a real scrape. */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "llmaos-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bllmaos_[a-z0-9_]+");
    private static final Pattern SAMPLE = Pattern.compile("^(llmaos_[a-z0-9_]+)[{ ]", Pattern.MULTILINE);

    @Test
    void everyQueriedMetricExistsInAScrape() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("llmaos", dashboard.get("uid").asText());
        Set<String> queried = new TreeSet<>();
        List<String> untargeted = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.has("targets") || panel.get("targets").isEmpty()) {
                untargeted.add(panel.get("title").asText());
            }
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.get("expr").asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        assertEquals(List.of(), untargeted, "panels without a query");
        assertTrue(queried.size() >= 10, queried.toString());

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Set<String> scraped = new TreeSet<>();
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv", Map.of(Setting.METRICS_PORT, String.valueOf(port)))) {
            server.inference().infer(DemoRequests.mlpRequest("mlp-classifier"));
            server.inference()
                    .generate(GenerateRequest.newBuilder()
                            .setModelName("gpt-kjv")
                            .setText("And God said")
                            .setSampling(SamplingParams.newBuilder().setMaxNewTokens(4))
                            .build())
                    .forEachRemaining(r -> {});
            Matcher m = SAMPLE.matcher(MetricsScrapeTest.scrape(port));
            while (m.find()) {
                scraped.add(m.group(1));
            }
        }
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(scraped);
        assertEquals(Set.of(), missing, "queried by the dashboard but not in a scrape");
    }
}
