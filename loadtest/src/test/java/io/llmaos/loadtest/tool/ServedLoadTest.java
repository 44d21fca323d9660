package io.llmaos.loadtest.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.llmaos.loadtest.report.Reports;
import io.llmaos.server.LlmaosServer;
import io.llmaos.server.config.Setting;
import io.llmaos.server.config.SettingsLoader;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against the real server on the demo models: the MLP through both APIs with the server's
 * queue and compute split taken from its answers, a generation on gpt-kjv whose TTFT agrees with the
 * server's own usage figures, and the reports of a sweep (JSON and CSV parse; the HTML has a plot per
 * step).
 */
class ServedLoadTest {
    private static LlmaosServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Path models = Path.of("..", "models").toAbsolutePath().normalize();
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.HOST, "127.0.0.1");
        flags.put(Setting.PORT, "0");
        flags.put(Setting.METRICS_PORT, "0");
        flags.put(Setting.HTTP_PORT, "0");
        flags.put(Setting.MODELS, models.toString());
        flags.put(Setting.LOAD_MODELS, "mlp-classifier,gpt-kjv");
        server = new LlmaosServer(
                new SettingsLoader(Map.of(), models, 2).load(flags), BuildInfo.fromClasspath(), Clock.system());
        server.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdown();
    }

    private static Workload tensor(Workload.Api api, List<Integer> concurrency) {
        return new Workload(
                "mlp-classifier",
                0,
                api,
                new Workload.Closed(concurrency),
                new Workload.Inputs(Workload.Data.RANDOM, 1),
                List.of(),
                List.of(),
                null,
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                0.5,
                1,
                1);
    }

    @Test
    void theMlpThroughEachApiWithTheServersSplit() throws Exception {
        for (Workload.Api api : List.of(Workload.Api.LLMAOS, Workload.Api.OIP, Workload.Api.STREAM)) {
            Result.Step s = LoadTest.run(channel, tensor(api, List.of(4)), LoadTest.Progress.NONE)
                    .steps()
                    .get(0);
            assertEquals(Map.of(), s.errors(), api.name());
            assertTrue(s.requests() > 50, api + ": " + s.requests());
            assertTrue(s.serverComputeUs() > 0 && s.serverQueueUs() >= 0, api + ": the server's split");
            assertTrue(s.latency().mean() >= s.serverComputeUs(), api + ": the client waits at least the compute");
        }
    }

    @Test
    void inputsFromPerfAnalyzersJson(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("data.json");
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            row.append(i == 0 ? "" : ", ").append(i / 16.0);
        }
        Files.writeString(
                file, "{\"data\": [{\"features\": [" + row + "]}, {\"features\": [[" + row + "], [" + row + "]]}]}");
        Workload w = tensor(Workload.Api.OIP, List.of(2));
        Workload fromFile = new Workload(
                w.model(),
                0,
                w.api(),
                w.load(),
                new Workload.Inputs(Workload.Data.RANDOM, 1, file),
                List.of(),
                List.of(),
                null,
                w.warmup(),
                w.window(),
                w.stability(),
                w.stableWindows(),
                w.maxWindows());
        Result.Step s =
                LoadTest.run(channel, fromFile, LoadTest.Progress.NONE).steps().get(0);
        assertEquals(Map.of(), s.errors(), "rows of 1 and of 2 from the file");
        assertTrue(s.requests() > 20);
    }

    @Test
    void aGenerationsTtftAgreesWithTheServersUsage() throws Exception {
        Workload w = new Workload(
                "gpt-kjv",
                0,
                Workload.Api.GENERATE,
                new Workload.Closed(List.of(2)),
                new Workload.Inputs(Workload.Data.RANDOM, 1),
                List.of(),
                List.of(),
                new Workload.Generation(Workload.Generation.synthetic(8, 6, 1), 16, true, 0, 1),
                Duration.ofMillis(500),
                Duration.ofSeconds(3),
                0.5,
                1,
                1);
        Result.Step s = LoadTest.run(channel, w, LoadTest.Progress.NONE).steps().get(0);
        Result.Generation g = s.generation();
        assertEquals(Map.of(), s.errors());
        assertTrue(s.requests() >= 2, "sequences " + s.requests());
        assertEquals(16.0, g.tokensPerRequest(), "ignore EOS: every sequence makes its 16 tokens");
        assertTrue(g.ttft().p50() > 0 && g.interTokenLatency().p50() > 0);
        // the client's TTFT is the server's plus the way there and back
        assertTrue(g.ttft().p50() >= g.serverTtft().p50(), g.ttft() + " vs the server's " + g.serverTtft());
        assertTrue(
                g.ttft().p50() - g.serverTtft().p50() < 50_000,
                "client and server TTFT agree within 50 ms: " + g.ttft().p50() + " vs "
                        + g.serverTtft().p50());
        // tokens/s is tokens over the window; sequences/s times tokens per sequence comes close
        double bySequences = s.throughput() * g.tokensPerRequest();
        assertTrue(
                Math.abs(g.outputTokensPerSecond() - bySequences) <= 0.5 * bySequences,
                g.outputTokensPerSecond() + " tokens/s vs " + bySequences);
    }

    @Test
    void syntheticPromptsOfAGivenTokenLength() {
        List<String> prompts = Prompts.ofTokens(channel, "gpt-kjv", 100, 3);
        assertEquals(3, prompts.size());
        int tokens = Prompts.tokensOf(channel, "gpt-kjv", prompts.get(0));
        assertTrue(Math.abs(tokens - 100) <= 10, "about 100 tokens: " + tokens);
    }

    @Test
    void aSweepsReportsParseAndPlotEachStep(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Result r = LoadTest.run(channel, tensor(Workload.Api.LLMAOS, List.of(1, 4)), LoadTest.Progress.NONE);
        Reports.write(r, dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(2, json.get("steps").size());
        assertEquals(4.0, json.get("steps").get(1).get("level").asDouble());
        List<String> csv = Files.readAllLines(dir.resolve("report.csv"));
        assertEquals(3, csv.size(), "a header and a row per step");
        assertTrue(csv.get(0).startsWith("Concurrency,Inferences/Second,"));
        int columns = csv.get(0).split(",").length;
        for (String row : csv.subList(1, 3)) {
            assertEquals(columns, row.split(",").length, row);
            Double.parseDouble(row.split(",")[1]);
        }
        String html = Files.readString(dir.resolve("report.html"));
        assertEquals(2, count(html, "<h3>"), "a section per step");
        assertEquals(2, count(html, "Latency distribution, "), "a distribution plot per step");
        assertEquals(4, count(html, "<svg class=\"plot\""), "sweep, split and one per step");
        assertTrue(!html.contains("<script"), "no script");
        assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing fetched from the network");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
