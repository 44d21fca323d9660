package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.proto.v1.ChatTemplate;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.server.TestServer;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.config.Setting;
import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.fake.FakeBehaviour;
import io.llmaos.server.fake.FakeEngine;
import io.llmaos.server.fake.FakeModels;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.security.TokenTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible API over real HTTP on a real server: each error has the OpenAI shape
 * ({@code {"error": {"message", "type", "param", "code"}}}) and status; the API key is the bearer token
 * (its tenant is the one served); a model's chat template writes the chat's prompt; the priority
 * header reaches the scheduler; overload maps to 429 with Retry-After. The official openai package is
 * run against it by the client module's OpenAiSdkTest.
 */
class OpenAiApiTest {
    private static final String GPT = "gpt-kjv";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withHttp(TestServer.DEMO_MODELS, GPT + ",all-MiniLM-L6-v2", Map.of());
        base = server.httpBase();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void errorsHaveTheOpenAiShape() throws Exception {
        // each bad completions request, and the parameter its 400 names
        String[][] bad = {
            {"\"prompt\": \"x\", \"temperature\": 5", "temperature"},
            {"\"prompt\": \"x\", \"stop\": [\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop"},
            {"\"prompt\": \"x\", \"logprobs\": 6", "logprobs"},
            {"\"prompt\": \"a\", \"n\": 129", "n"},
            {"\"prompt\": [\"a\", \"b\"], \"n\": 65", "n"},
            {"\"prompt\": \"a\", \"n\": 2, \"best_of\": 3", "best_of"},
            {"\"prompt\": []", "prompt"},
            {"\"prompt\": [1, 2], \"echo\": true", "echo"},
            // refused by the server itself (a token id beyond the vocabulary): named in the API's words
            {"\"prompt\": [99999]", "prompt"},
            {"\"prompt\": \"x\", \"presence_penalty\": 1", "presence_penalty"},
        };
        for (String[] b : bad) {
            error(post("/v1/completions", "{\"model\": \"gpt-kjv\", " + b[0] + "}"), 400, b[1]);
        }
        error(post("/v1/completions", "{\"prompt\": \"x\"}"), 400, "model");
        String chat = "{\"model\": \"gpt-kjv\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], ";
        error(
                post("/v1/chat/completions", chat + "\"response_format\": {\"type\": \"json_object\"}}"),
                400,
                "response_format");
        error(
                post(
                        "/v1/chat/completions",
                        chat + "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]}"),
                400,
                "tools");
        error(post("/v1/chat/completions", "{\"model\": \"gpt-kjv\"}"), 400, "messages");
        error(
                post(
                        "/v1/chat/completions",
                        "{\"model\": \"gpt-kjv\", \"messages\": [{\"role\": \"user\", \"content\":"
                                + " [{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}"),
                400,
                "messages[0].content");
        error(post("/v1/embeddings", "{\"model\": \"all-MiniLM-L6-v2\", \"input\": [1, 2]}"), 400, "input");
        error(
                post(
                        "/v1/embeddings",
                        "{\"model\": \"all-MiniLM-L6-v2\", \"input\": \"x\", \"encoding_format\": \"hex\"}"),
                400,
                "encoding_format");
        error(post("/v1/embeddings", "{\"model\": \"gpt-kjv\", \"input\": \"x\"}"), 400, "model");
        // usage: "hello world" is [CLS] hello world [SEP] to MiniLM's tokenizer, "a" [CLS] a [SEP]
        JsonNode usage = ok(post(
                        "/v1/embeddings", "{\"model\": \"all-MiniLM-L6-v2\", \"input\": [\"hello world\", \"a\"]}"))
                .get("usage");
        assertEquals(7, usage.get("prompt_tokens").asInt(), usage.toString());
        assertEquals(7, usage.get("total_tokens").asInt(), usage.toString());
        error(post("/v1/completions", "not json"), 400, null);
        JsonNode unknown = error(post("/v1/completions", "{\"model\": \"nope\", \"prompt\": \"x\"}"), 404, null);
        assertEquals("model_not_found", unknown.get("code").asText());
        assertEquals(
                "unknown_url",
                error(post("/v1/nope", "{}"), 404, null).get("code").asText());
        assertEquals(
                "method_not_allowed",
                error(post("/v1/models", "{}"), 405, null).get("code").asText());
        error(
                send(
                        "/v1/completions",
                        "{\"model\": \"gpt-kjv\", \"prompt\": \"x\"}",
                        Map.of(OpenAiRoutes.PRIORITY, "high")),
                400,
                OpenAiRoutes.PRIORITY);
        // a deadline the generation cannot meet: 504, in the API's words
        JsonNode late = error(
                send(
                        "/v1/completions",
                        "{\"model\": \"gpt-kjv\", \"prompt\": \"In\", \"max_tokens\": 400}",
                        Map.of(OpenAiRoutes.TIMEOUT, "5ms")),
                504,
                null);
        assertEquals("timeout", late.get("code").asText());
        assertEquals("server_error", late.get("type").asText());
        // the server's words, or the deadline's header named: never gRPC's client internals
        assertTrue(!late.get("message").asText().contains("CallOptions"), late.toString());
    }

    @Test
    void aFullQueueIs429WithRetryAfter(@TempDir Path repo) throws Exception {
        // the fake engine's slow steps keep the first sequence running for seconds, whatever the machine
        FakeBehaviour slow = new FakeBehaviour();
        slow.stepDelayMillis = 200;
        FakeModels.generative(
                repo,
                "slow-gpt",
                "\"max_active_sequences\": 1",
                "\"queue\": {\"levels\": [{\"level\": 1, \"max_queue_size\": 1}]}");
        try (TestServer small =
                TestServer.withHttp(repo, "slow-gpt", Map.of(), List.of(new FakeEngine(EngineType.PYTORCH, slow)))) {
            String at = small.httpBase() + "/v1/completions";
            String longOne = "{\"model\": \"slow-gpt\", \"prompt\": \" \", \"max_tokens\": 60, \"stream\": true}";
            HttpResponse<java.io.InputStream> running =
                    http.send(request(at, longOne, Map.of()), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, running.statusCode());
            new java.io.BufferedReader(new java.io.InputStreamReader(running.body())).readLine(); // it is decoding
            var waiting = http.sendAsync(request(at, longOne, Map.of()), HttpResponse.BodyHandlers.ofInputStream());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (queued(small, "slow-gpt") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, queued(small, "slow-gpt"), "the second waits");
            HttpResponse<String> refused = http.send(
                    request(at, "{\"model\": \"slow-gpt\", \"prompt\": \"a\"}", Map.of()),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode e = shape(refused, 429, null);
            assertEquals("rate_limit_exceeded", e.get("code").asText());
            assertEquals("requests", e.get("type").asText());
            assertTrue(
                    refused.headers().firstValue("Retry-After").isPresent(),
                    refused.headers().toString());
            running.body().close();
            waiting.cancel(true);
        }
    }

    private static long queued(TestServer s, String model) {
        return SchedulerServiceGrpc.newBlockingStub(s.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(model).build())
                .getModels(0)
                .getLevelsList()
                .stream()
                .mapToLong(l -> l.getQueueDepth())
                .sum();
    }

    @Test
    void overloadIs429WithRetryAfter() {
        OpenAiError e = OpenAiError.of(GrpcBridge.failure(StatusMapper.toStatusException(
                new CapacityExceededException("queue_full", "the queue is full", Duration.ofMillis(1500)))));
        JsonNode body = e.body().get("error");
        assertEquals("requests", body.get("type").asText());
        assertEquals("rate_limit_exceeded", body.get("code").asText());
        assertEquals("the queue is full", body.get("message").asText());
    }

    @Test
    void everyPromptTimesNIsAChoiceOfItsOwn() throws Exception {
        String[] prompts = {"In the beginning", "And God said"};
        JsonNode whole = ok(post(
                "/v1/completions",
                "{\"model\": \"gpt-kjv\", \"prompt\": [\"" + prompts[0] + "\", \"" + prompts[1] + "\"], \"n\": 2,"
                        + " \"max_tokens\": 8, \"temperature\": 0.9, \"seed\": 5}"));
        JsonNode choices = whole.get("choices");
        assertEquals(4, choices.size(), whole.toString());
        long promptTokens = 0;
        long generated = 0;
        for (int i = 0; i < 4; i++) {
            JsonNode c = choices.get(i);
            assertEquals(i, c.get("index").asInt());
            // choice j of prompt p: the prompt sampled with seed 5 + j, as gRPC Generate makes it
            Generated g = generate(prompts[i / 2], 8, 5 + i % 2);
            assertEquals(g.text(), c.get("text").asText(), "choice " + i);
            assertEquals(g.finish(), c.get("finish_reason").asText(), "choice " + i);
            promptTokens += i % 2 == 0 ? g.promptTokens() : 0;
            generated += g.generatedTokens();
        }
        assertTrue(
                !choices.get(0)
                                .get("text")
                                .asText()
                                .equals(choices.get(1).get("text").asText())
                        || !choices.get(2)
                                .get("text")
                                .asText()
                                .equals(choices.get(3).get("text").asText()),
                "the seeds differ, so do the choices: " + choices);
        assertEquals(promptTokens, whole.get("usage").get("prompt_tokens").asLong(), "each prompt counted once");
        assertEquals(generated, whole.get("usage").get("completion_tokens").asLong());

        // streamed: each choice's chunks carry its index, a chat choice's first its role; one [DONE] at the end
        HttpResponse<String> streamed = post(
                "/v1/chat/completions",
                "{\"model\": \"gpt-kjv\", \"messages\": [{\"role\": \"user\", \"content\": \"In\"}], \"n\": 3,"
                        + " \"max_tokens\": 6, \"seed\": 11, \"temperature\": 0.9, \"stream\": true,"
                        + " \"stream_options\": {\"include_usage\": true}}");
        assertEquals(200, streamed.statusCode(), streamed.body());
        StringBuilder[] texts = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        int[] roles = new int[3];
        int[] finishes = new int[3];
        java.util.List<String> events = streamed.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertEquals("[DONE]", events.get(events.size() - 1));
        assertEquals(1, events.stream().filter("[DONE]"::equals).count());
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(e);
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode c = chunk.get("choices").get(0);
            int i = c.get("index").asInt();
            roles[i] += c.path("delta").has("role") ? 1 : 0;
            texts[i].append(c.path("delta").path("content").asText(""));
            finishes[i] += c.get("finish_reason").isNull() ? 0 : 1;
        }
        JsonNode asWhole = ok(post(
                "/v1/chat/completions",
                "{\"model\": \"gpt-kjv\", \"messages\": [{\"role\": \"user\", \"content\": \"In\"}], \"n\": 3,"
                        + " \"max_tokens\": 6, \"seed\": 11, \"temperature\": 0.9}"));
        for (int i = 0; i < 3; i++) {
            assertEquals(1, roles[i], "choice " + i + "'s role, once");
            assertEquals(1, finishes[i], "choice " + i + "'s finish reason, once");
            assertEquals(
                    asWhole.get("choices").get(i).get("message").get("content").asText(),
                    texts[i].toString(),
                    "choice " + i);
        }
        assertEquals(asWhole.get("usage"), usage);
    }

    @Test
    void aChoiceThatFailsEndsTheAnswerAndCancelsTheOthers(@TempDir Path repo) throws Exception {
        FakeBehaviour slow = new FakeBehaviour();
        slow.stepDelayMillis = 200; // the first choice would take 60 steps: 12 s
        FakeModels.generative(repo, "slow-gpt", "", "");
        try (TestServer small =
                TestServer.withHttp(repo, "slow-gpt", Map.of(), List.of(new FakeEngine(EngineType.PYTORCH, slow)))) {
            long start = System.nanoTime();
            // the second prompt is refused (a token id past the vocabulary) while the first decodes
            HttpResponse<String> r = http.send(
                    request(
                            small.httpBase() + "/v1/completions",
                            "{\"model\": \"slow-gpt\", \"prompt\": [[32], [99999]], \"max_tokens\": 60}",
                            Map.of()),
                    HttpResponse.BodyHandlers.ofString());
            error(r, 400, "prompt");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (stats(small, "slow-gpt").getActiveSequences() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, stats(small, "slow-gpt").getActiveSequences(), "the first choice was cancelled");
            assertTrue(
                    System.nanoTime() - start < 5_000_000_000L,
                    "well before the first choice's 60 steps of 200 ms could end");
            assertTrue(stats(small, "slow-gpt").getGeneratedTokens() < 20, "it stopped early");
        }
    }

    private static io.llmaos.proto.v1.GenerationStats stats(TestServer s, String model) {
        return SchedulerServiceGrpc.newBlockingStub(s.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(model).build())
                .getModels(0)
                .getGeneration();
    }

    private record Generated(String text, String finish, long promptTokens, long generatedTokens) {}

    /** gRPC Generate of {@code prompt} with {@code seed}, as a completion's choice would be. */
    private static Generated generate(String prompt, int tokens, long seed) {
        StringBuilder text = new StringBuilder();
        String finish = null;
        io.llmaos.proto.v1.Usage usage = null;
        var it = server.inference()
                .generate(io.llmaos.proto.v1.GenerateRequest.newBuilder()
                        .setModelName(GPT)
                        .setText(prompt)
                        .setSampling(io.llmaos.proto.v1.SamplingParams.newBuilder()
                                .setMaxNewTokens(tokens)
                                .setTemperature(0.9f)
                                .setSeed(seed))
                        .build());
        while (it.hasNext()) {
            var m = it.next();
            m.getTokensList().forEach(t -> text.append(t.getText()));
            if (m.getFinishReason() != io.llmaos.proto.v1.FinishReason.FINISH_REASON_UNSPECIFIED) {
                finish = switch (m.getFinishReason()) {
                    case LENGTH -> "length";
                    default -> "stop";
                };
                usage = m.getUsage();
            }
        }
        return new Generated(text.toString(), finish, usage.getPromptTokens(), usage.getGeneratedTokens());
    }

    @Test
    void logprobsNameTheMostLikelyTokens() throws Exception {
        String chat = "{\"model\": \"gpt-kjv\", \"messages\": [{\"role\": \"user\", \"content\": \"In\"}],"
                + " \"max_tokens\": 4, \"temperature\": 0, \"logprobs\": true, ";
        JsonNode content = ok(post("/v1/chat/completions", chat + "\"top_logprobs\": 3}"))
                .get("choices")
                .get(0)
                .get("logprobs")
                .get("content");
        assertEquals(4, content.size(), content.toString());
        for (JsonNode token : content) {
            JsonNode tops = token.get("top_logprobs");
            assertEquals(3, tops.size(), token.toString());
            // greedy: the token is the most likely, with its own log-probability
            assertEquals(token.get("token").asText(), tops.get(0).get("token").asText());
            assertEquals(
                    token.get("logprob").asDouble(), tops.get(0).get("logprob").asDouble(), 1e-6);
            assertTrue(tops.get(2).get("logprob").asDouble()
                    <= tops.get(1).get("logprob").asDouble());
            assertTrue(tops.get(1).has("bytes"));
        }
        error(post("/v1/chat/completions", chat + "\"top_logprobs\": 21}"), 400, "top_logprobs");
        error(
                post(
                        "/v1/chat/completions",
                        "{\"model\": \"gpt-kjv\", \"messages\": [{\"role\": \"user\", \"content\": \"In\"}],"
                                + " \"top_logprobs\": 2}"),
                400,
                "top_logprobs");
        // the completions API: logprobs N, a {text: logprob} object per token with up to N entries
        JsonNode lp = ok(post(
                        "/v1/completions",
                        "{\"model\": \"gpt-kjv\", \"prompt\": \"In the\", \"max_tokens\": 3, \"temperature\": 0,"
                                + " \"logprobs\": 2}"))
                .get("choices")
                .get(0)
                .get("logprobs");
        assertEquals(3, lp.get("tokens").size(), lp.toString());
        for (int i = 0; i < 3; i++) {
            JsonNode likely = lp.get("top_logprobs").get(i);
            assertTrue(likely.size() >= 1 && likely.size() <= 2, likely.toString());
            assertEquals(
                    lp.get("token_logprobs").get(i).asDouble(),
                    likely.get(lp.get("tokens").get(i).asText()).asDouble(),
                    1e-6);
        }
    }

    @Test
    void theModelsChatTemplateWritesThePrompt() throws Exception {
        ModelConfig config = server.repository()
                .getModel(GetModelRequest.newBuilder().setName(GPT).build())
                .getConfig();
        ModelConfig.Builder templated = config.toBuilder();
        templated
                .getGenerationBuilder()
                .setChatTemplate(ChatTemplate.newBuilder()
                        .putMessageFormats("user", "Q: {content}\n")
                        .setGenerationPrompt("A:")
                        .addStop("\nQ:"));
        templated.setQueue(QueuePolicy.newBuilder()
                .addLevels(PriorityLevel.newBuilder().setLevel(1))
                .addLevels(PriorityLevel.newBuilder().setLevel(2))
                .setDefaultPriority(2));
        server.repository()
                .loadModel(LoadModelRequest.newBuilder()
                        .setName(GPT)
                        .setConfigOverride(templated)
                        .build());
        String sampling = "\"max_tokens\": 20, \"temperature\": 0";
        JsonNode chat = ok(post(
                "/v1/chat/completions",
                "{\"model\": \"gpt-kjv\", " + sampling
                        + ", \"messages\": [{\"role\": \"user\", \"content\": \"And God said\"}]}"));
        JsonNode completion = ok(post(
                "/v1/completions",
                "{\"model\": \"gpt-kjv\", " + sampling
                        + ", \"prompt\": \"Q: And God said\\nA:\", \"stop\": \"\\nQ:\"}"));
        assertEquals(
                completion.get("choices").get(0).get("text").asText(),
                chat.get("choices").get(0).get("message").get("content").asText());
        assertEquals(
                completion.get("usage").get("prompt_tokens"),
                chat.get("usage").get("prompt_tokens"),
                "the same prompt");

        // the priority header sets the scheduler's level
        long before = completedAt(1);
        ok(send(
                "/v1/completions",
                "{\"model\": \"gpt-kjv\", \"prompt\": \"x\", \"max_tokens\": 2}",
                Map.of(OpenAiRoutes.PRIORITY, "1")));
        // the scheduler counts a sequence once it has left the batch, just after its last message went out
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (completedAt(1) == before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before + 1, completedAt(1), "served at level 1");
    }

    @Test
    void theApiKeyIsTheBearerToken() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), TokenTable.hashOf("sk-acme") + " acme infer\n");
        try (TestServer secured =
                TestServer.withHttp(TestServer.DEMO_MODELS, GPT, Map.of(Setting.AUTH_TOKENS, tokens.toString()))) {
            String at = secured.httpBase();
            String body = "{\"model\": \"gpt-kjv\", \"prompt\": \"x\", \"max_tokens\": 2}";
            HttpResponse<String> none =
                    http.send(request(at + "/v1/completions", body, Map.of()), HttpResponse.BodyHandlers.ofString());
            JsonNode refused = shape(none, 401, null);
            assertEquals("invalid_api_key", refused.get("code").asText());
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            HttpResponse<String> wrong = http.send(
                    request(at + "/v1/completions", body, Map.of("Authorization", "Bearer sk-wrong")),
                    HttpResponse.BodyHandlers.ofString());
            shape(wrong, 401, null);
            HttpResponse<String> served = http.send(
                    request(at + "/v1/completions", body, Map.of("Authorization", "Bearer sk-acme")),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, served.statusCode(), served.body());
            long acme = SchedulerServiceGrpc.newBlockingStub(secured.channel())
                    .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(bearer("sk-acme")))
                    .getStats(GetStatsRequest.newBuilder().addModelNames(GPT).build())
                    .getModels(0)
                    .getTenantsList()
                    .stream()
                    .filter(t -> t.getTenant().equals("acme"))
                    .mapToLong(t -> t.getCompleted())
                    .sum();
            assertEquals(1, acme, "the key's tenant was served");
        }
    }

    private static io.grpc.Metadata bearer(String token) {
        io.grpc.Metadata m = new io.grpc.Metadata();
        m.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return m;
    }

    private static long completedAt(int level) {
        return SchedulerServiceGrpc.newBlockingStub(server.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(GPT).build())
                .getModels(0)
                .getLevelsList()
                .stream()
                .filter(l -> l.getLevel() == level)
                .mapToLong(l -> l.getCompleted())
                .sum();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return send(path, body, Map.of());
    }

    private static HttpResponse<String> send(String path, String body, Map<String, String> headers) throws Exception {
        return http.send(request(base + path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return b.build();
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** The error object of {@code r}, checked: its status, the four keys, and the param named. */
    private static JsonNode error(HttpResponse<String> r, int status, String param) throws Exception {
        return shape(r, status, param);
    }

    private static JsonNode shape(HttpResponse<String> r, int status, String param) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertTrue(e != null && e.isObject(), r.body());
        for (String key : new String[] {"message", "type", "param", "code"}) {
            assertTrue(e.has(key), key + " in " + r.body());
        }
        assertTrue(!e.get("message").asText().isEmpty());
        if (param != null) {
            assertEquals(param, e.get("param").asText(), r.body());
        }
        return e;
    }
}
