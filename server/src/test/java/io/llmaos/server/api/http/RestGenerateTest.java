package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.TokenChunk;
import io.llmaos.server.TestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Triton's generate extension over HTTP on the demo GPT: a seeded request's text equals gRPC
 * Generate's, whole ({@code generate}) and streamed as Server-Sent Events ({@code generate_stream}, one
 * event per delta, the last with usage); closing the connection cancels the generation; errors keep
 * their status.
 */
class RestGenerateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GPT = "gpt-kjv";
    private static final String PROMPT = "In the beginning";
    private static TestServer server;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withHttp(TestServer.DEMO_MODELS, GPT, Map.of());
        base = server.httpBase();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** gRPC Generate's text for the same sampled request. */
    static String grpcText(int maxTokens) {
        StringBuilder text = new StringBuilder();
        for (Iterator<GenerateResponse> it = server.inference()
                        .generate(GenerateRequest.newBuilder()
                                .setModelName(GPT)
                                .setText(PROMPT)
                                .setSampling(SamplingParams.newBuilder()
                                        .setMaxNewTokens(maxTokens)
                                        .setTemperature(0.8f)
                                        .setTopK(20)
                                        .setSeed(42)
                                        .setIgnoreEos(true))
                                .build());
                it.hasNext(); ) {
            for (TokenChunk t : it.next().getTokensList()) {
                text.append(t.getText());
            }
        }
        return text.toString();
    }

    static String body(int maxTokens) {
        return "{\"text_input\": \"" + PROMPT + "\", \"max_tokens\": " + maxTokens
                + ", \"parameters\": {\"temperature\": 0.8, \"top_k\": 20, \"seed\": 42, \"ignore_eos\": true}}";
    }

    static HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    @Test
    void aSeededGenerationEqualsGrpcWholeAndStreamed() throws Exception {
        String expected = grpcText(24);
        HttpResponse<String> whole =
                http.send(post("/v2/models/" + GPT + "/generate", body(24)), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, whole.statusCode(), whole.body());
        JsonNode w = JSON.readTree(whole.body());
        assertEquals(GPT, w.get("model_name").asText());
        assertEquals(expected, w.get("text_output").asText());
        assertEquals(24, w.get("usage").get("generated_tokens").asInt());

        HttpResponse<InputStream> streamed = http.send(
                post("/v2/models/" + GPT + "/generate_stream", body(24)), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, streamed.statusCode());
        assertEquals(
                "text/event-stream",
                streamed.headers().firstValue("Content-Type").orElse(""));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(streamed.body(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("data: ")) {
                    events.add(JSON.readTree(line.substring(6)));
                }
            }
        }
        assertTrue(events.size() > 2, "one event per delta: " + events.size());
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(e.get("text_output").asText()));
        assertEquals(expected, text.toString());
        JsonNode last = events.get(events.size() - 1);
        assertEquals(24, last.get("usage").get("generated_tokens").asInt());
        assertTrue(last.get("usage").get("prompt_tokens").asInt() > 0);
    }

    @Test
    void closingTheConnectionCancelsTheGeneration() throws Exception {
        HttpResponse<InputStream> streamed = http.send(
                post("/v2/models/" + GPT + "/generate_stream", body(400)), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader r = new BufferedReader(new InputStreamReader(streamed.body(), StandardCharsets.UTF_8));
        String first = r.readLine();
        assertTrue(first != null && first.startsWith("data: "), String.valueOf(first));
        streamed.body().close(); // the client goes away mid-generation
        long deadline = System.nanoTime() + 5_000_000_000L;
        int active = -1;
        while (System.nanoTime() < deadline) {
            active = SchedulerServiceGrpc.newBlockingStub(server.channel())
                    .getStats(GetStatsRequest.newBuilder().addModelNames(GPT).build())
                    .getModels(0)
                    .getGeneration()
                    .getActiveSequences();
            if (active == 0) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(0, active, "the sequence left the decode batch");
        long generated = SchedulerServiceGrpc.newBlockingStub(server.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(GPT).build())
                .getModels(0)
                .getGeneration()
                .getGeneratedTokens();
        assertTrue(generated < 400, "it stopped long before its 400 tokens: " + generated);
    }

    @Test
    void errorsKeepTheirStatus() throws Exception {
        assertEquals(
                404,
                http.send(post("/v2/models/nope/generate", body(4)), HttpResponse.BodyHandlers.ofString())
                        .statusCode());
        HttpResponse<String> noPrompt = http.send(
                post("/v2/models/" + GPT + "/generate", "{\"max_tokens\": 4}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noPrompt.statusCode(), noPrompt.body());
        assertTrue(JSON.readTree(noPrompt.body()).get("error").asText().contains("text_input"), noPrompt.body());
        HttpResponse<String> streamBad = http.send(
                post("/v2/models/" + GPT + "/generate_stream", "{\"max_tokens\": 4}"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, streamBad.statusCode(), streamBad.body());
        // a stream that fails before its first event answers with the status its error means
        HttpResponse<String> streamUnknown =
                http.send(post("/v2/models/nope/generate_stream", body(4)), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, streamUnknown.statusCode(), streamUnknown.body());
        assertTrue(JSON.readTree(streamUnknown.body()).get("error").asText().contains("nope"), streamUnknown.body());
    }
}
