package io.llmaos.client.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.client.LlmaosClient;
import io.llmaos.client.Tensors;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.TokenChunk;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client we did not write: the official {@code openai} package (npm, installed by
 * tools/install-test-deps) runs examples/node/openai.js against a real server's OpenAI-compatible API:
 * the models; a seeded greedy completion that equals gRPC Generate for the same prompt; a chat, whole
 * and streamed, that equals Generate on the prompt the default chat template writes; embeddings that
 * equal gRPC Infer on all-MiniLM-L6-v2 (cosine above 0.9999), decoded from base64 and as floats; the
 * error shapes of an unknown model and of n=2; a stream abandoned after three chunks, whose sequence
 * the server then cancels.
 */
class OpenAiSdkTest {
    private static final Path EXAMPLES =
            Path.of("..", "examples").toAbsolutePath().normalize();
    private static final String GPT = "gpt-kjv";
    private static final String MINILM = "all-MiniLM-L6-v2";

    @Test
    void theOfficialOpenAiPackageIsServed() throws Exception {
        assumeTrue(ExamplesTest.onPath("node"), "node is not installed: the OpenAI example is skipped");
        assertTrue(
                Files.isDirectory(EXAMPLES.resolve("node/node_modules/openai")),
                "run 'npm ci' in examples/node first (.ci/run does)");
        int http = freePort();
        try (TestServer server = TestServer.start(
                        TestServer.DEMO_MODELS, GPT + "," + MINILM, Map.of(Setting.HTTP_PORT, String.valueOf(http)));
                LlmaosClient grpc = LlmaosClient.builder()
                        .target("127.0.0.1:" + server.server().port())
                        .build()) {
            long generatedBefore = generated(server);
            Process p = new ProcessBuilder(
                            "node", EXAMPLES.resolve("node/openai.js").toString(), "http://127.0.0.1:" + http + "/v1")
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), err);
            Map<String, JsonNode> calls = new HashMap<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    JsonNode j = new ObjectMapper().readTree(line);
                    calls.put(j.get("call").asText(), j);
                }
            }

            assertEquals(List.of(MINILM, GPT), texts(calls.get("models").get("ids")));

            JsonNode completion = calls.get("completion");
            assertEquals(
                    generate(grpc, "In the beginning", List.of()),
                    completion.get("text").asText());
            assertEquals("length", completion.get("finish_reason").asText());
            assertEquals(24, completion.get("usage").get("completion_tokens").asInt());

            // the default chat template: "User: {content}\n\n", then "Assistant:", stopping at "\nUser:"
            String chatText = generate(grpc, "User: And God said\n\nAssistant:", List.of("\nUser:"));
            JsonNode chat = calls.get("chat");
            assertEquals("assistant", chat.get("role").asText());
            assertEquals(chatText, chat.get("content").asText());
            JsonNode streamed = calls.get("chat_stream");
            assertEquals(chatText, streamed.get("content").asText());
            assertEquals("assistant", streamed.get("role").asText());
            assertTrue(streamed.get("chunks").asInt() > 3, "one chunk per delta: " + streamed);
            assertEquals(chat.get("usage"), streamed.get("usage"));

            // two prompts times n = 2: choice j of a prompt is that prompt sampled with seed 3 + j
            JsonNode choices = calls.get("choices");
            assertEquals(List.of("0", "1", "2", "3"), texts(choices.get("indexes")));
            String[] prompts = {"In the beginning", "And God said"};
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        generate(grpc, prompts[i / 2], List.of(), 8, 0.8f, 3 + i % 2),
                        choices.get("texts").get(i).asText(),
                        "choice " + i);
            }
            int made4 = choices.get("usage").get("completion_tokens").asInt();
            assertTrue(made4 > 4 && made4 <= 32, "four choices of at most 8 tokens: " + choices.get("usage"));

            JsonNode embeddings = calls.get("embeddings");
            List<String> texts = texts(embeddings.get("texts"));
            float[][] expected = new float[texts.size()][];
            InferRequest.Builder infer = InferRequest.newBuilder().setModelName(MINILM);
            infer.addInputs(Tensors.strings("text", texts));
            var answer = grpc.infer(infer.build());
            var tensor = answer.getOutputs(0);
            // usage counts the texts' tokens as the model reports them (its token_count output)
            long tokens = answer.getOutputs(1).getContents().getInt64ContentsList().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            assertTrue(tokens > texts.size() * 2L, "at least [CLS] and [SEP] per text: " + tokens);
            assertEquals(tokens, embeddings.get("usage").get("prompt_tokens").asLong());
            assertEquals(tokens, embeddings.get("usage").get("total_tokens").asLong());
            int dim = tensor.getContents().getFp32ContentsCount() / texts.size();
            for (int i = 0; i < texts.size(); i++) {
                expected[i] = new float[dim];
                for (int k = 0; k < dim; k++) {
                    expected[i][k] = tensor.getContents().getFp32Contents(i * dim + k);
                }
                for (String key : List.of("vectors", "float_vectors")) {
                    double cosine = cosine(expected[i], embeddings.get(key).get(i));
                    assertTrue(cosine > 0.9999, key + "[" + i + "]: cosine " + cosine);
                }
            }

            JsonNode unknown = calls.get("error_unknown_model");
            assertEquals(404, unknown.get("status").asInt(), unknown.toString());
            assertEquals("invalid_request_error", unknown.get("type").asText());
            assertEquals("model_not_found", unknown.get("code").asText());
            JsonNode n = calls.get("error_n");
            assertEquals(400, n.get("status").asInt(), n.toString());
            assertEquals("n", n.get("param").asText());

            // the abandoned stream: its sequence leaves the batch long before its 400 tokens
            assertEquals(3, calls.get("abandoned").get("chunks").asInt());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (active(server) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, active(server), "the abandoned sequence was cancelled");
            long made = generated(server) - generatedBefore;
            // 24 (completion) + 24 + 24 (chats) + 4 x 8 (choices) + the abandoned stream's few, far from its 400
            assertTrue(made < 24 * 3 + 32 + 100, "the abandoned stream stopped early: " + made + " tokens in all");
        }
    }

    /** The text gRPC Generate makes for {@code prompt}, greedy, 24 tokens. */
    private static String generate(LlmaosClient grpc, String prompt, List<String> stop) {
        return generate(grpc, prompt, stop, 24, 0, 7);
    }

    private static String generate(
            LlmaosClient grpc, String prompt, List<String> stop, int tokens, float temperature, long seed) {
        StringBuilder text = new StringBuilder();
        try (var stream = grpc.generate(GenerateRequest.newBuilder()
                .setModelName(GPT)
                .setText(prompt)
                .setSampling(SamplingParams.newBuilder()
                        .setMaxNewTokens(tokens)
                        .setTemperature(temperature)
                        .setSeed(seed)
                        .addAllStopSequences(stop))
                .build())) {
            while (stream.hasNext()) {
                GenerateResponse m = stream.next();
                for (TokenChunk t : m.getTokensList()) {
                    text.append(t.getText());
                }
            }
        }
        return text.toString();
    }

    private static double cosine(float[] a, JsonNode b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            double y = b.get(i).asDouble();
            dot += a[i] * y;
            na += a[i] * a[i];
            nb += y * y;
        }
        assertEquals(a.length, b.size());
        return dot / Math.sqrt(na * nb);
    }

    private static List<String> texts(JsonNode array) {
        List<String> all = new java.util.ArrayList<>();
        array.forEach(t -> all.add(t.asText()));
        return all;
    }

    private static io.llmaos.proto.v1.GenerationStats stats(TestServer server) {
        return SchedulerServiceGrpc.newBlockingStub(server.channel())
                .getStats(GetStatsRequest.newBuilder().addModelNames(GPT).build())
                .getModels(0)
                .getGeneration();
    }

    private static long active(TestServer server) {
        return stats(server).getActiveSequences();
    }

    private static long generated(TestServer server) {
        return stats(server).getGeneratedTokens();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
