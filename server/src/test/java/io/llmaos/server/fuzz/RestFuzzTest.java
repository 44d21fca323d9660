package io.llmaos.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.LevelStats;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The HTTP port under malformed requests: valid bodies of every inference route (KServe v2 infer and
 * generate, the OpenAI completions, chat and embeddings, Triton's logging and trace settings, the
 * repository index, a load with a config override) mutated at random (a value replaced by a wrong type, a huge or negative number, a
 * long string, a deep array; a member removed or added), plus truncated JSON and random bytes. Every
 * answer is a client error or success with its error body, never a 500 or a dropped connection; the
 * server then still serves, with nothing left queued or in flight. Seeded: a failure names its case.
 */
class RestFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Cases and seed: {@code -Dfuzz.rest.cases=N -Dfuzz.rest.seed=S} run more or others. */
    private static final int CASES = Integer.getInteger("fuzz.rest.cases", 600);

    private static final long SEED = Long.getLong("fuzz.rest.seed", 20261207L);
    private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 405, 409, 413, 415, 429, 501, 503, 504);

    private record Route(String path, String body) {}

    private static final String ROW = "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6]";
    private static final List<Route> ROUTES = List.of(
            new Route(
                    "/v2/models/mlp-classifier/infer",
                    "{\"id\": \"a\", \"parameters\": {\"binary_data_output\": false}, \"inputs\": [{\"name\": \"features\","
                            + " \"shape\": [1, 16], \"datatype\": \"FP32\", \"data\": " + ROW + "}],"
                            + " \"outputs\": [{\"name\": \"scores\", \"parameters\": {\"classification\": 2}}]}"),
            new Route(
                    "/v2/models/all-MiniLM-L6-v2/infer",
                    "{\"inputs\": [{\"name\": \"text\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"a b\", \"c\"]}]}"),
            new Route(
                    "/v2/models/tf-dense/infer",
                    "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}"),
            new Route(
                    "/v2/models/gpt-kjv/generate",
                    "{\"text_input\": \"In\", \"max_tokens\": 8, \"parameters\": {\"temperature\": 0.5, \"seed\": 1,"
                            + " \"stop\": [\"x\"]}}"),
            new Route(
                    "/v1/completions",
                    "{\"model\": \"gpt-kjv\", \"prompt\": [\"In\", \"And\"], \"n\": 2, \"max_tokens\": 8, \"seed\": 3,"
                            + " \"temperature\": 0.7, \"stop\": [\"\\n\"], \"logprobs\": 1, \"echo\": false}"),
            new Route(
                    "/v1/chat/completions",
                    "{\"model\": \"gpt-kjv\", \"messages\": [{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\","
                            + " \"content\": [{\"type\": \"text\", \"text\": \"In\"}]}], \"max_tokens\": 8, \"stream\": true,"
                            + " \"stream_options\": {\"include_usage\": true}}"),
            new Route(
                    "/v1/embeddings",
                    "{\"model\": \"all-MiniLM-L6-v2\", \"input\": [\"a\", \"b\"], \"encoding_format\": \"base64\"}"),
            new Route("/v2/logging", "{\"log_info\": true, \"log_verbose_level\": 0}"),
            new Route("/v2/trace/setting", "{\"trace_level\": [\"OFF\"], \"trace_rate\": \"1000\"}"),
            new Route("/v2/repository/index", "{\"ready\": true}"),
            new Route(
                    "/v2/repository/models/tf-dense/load",
                    "{\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 8, \\\"instances\\\": {\\\"min\\\": 1}}\"}}"));

    @Test
    void malformedRequestsGetClientErrorsAndTheServerGoesOn() throws Exception {
        Random random = new Random(SEED);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        try (TestServer server = TestServer.withHttp(
                TestServer.DEMO_MODELS, "mlp-classifier,tf-dense,all-MiniLM-L6-v2,gpt-kjv", Map.of())) {
            for (int c = 0; c < CASES; c++) {
                Route route = ROUTES.get(random.nextInt(ROUTES.size()));
                byte[] body = body(route, random);
                HttpResponse<String> r;
                try {
                    r = http.send(
                            HttpRequest.newBuilder(URI.create(server.httpBase() + route.path()))
                                    .timeout(Duration.ofSeconds(60))
                                    .header("x-llmaos-timeout", "5s")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException e) {
                    wrong.add("case " + c + " " + route.path() + ": no answer (" + e + ")");
                    continue;
                }
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (!EXPECTED.contains(r.statusCode())) {
                    wrong.add("case " + c + " " + route.path() + ": " + r.statusCode() + " " + cut(r.body()));
                } else if (r.statusCode() >= 400 && !r.body().contains("\"error\"")) {
                    wrong.add("case " + c + " " + route.path() + ": " + r.statusCode() + " without an error body");
                }
            }
            System.out.println("REST fuzz, seed " + SEED + ": " + CASES + " cases, statuses " + statuses);
            assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\nstatuses: " + statuses);
            assertTrue(statuses.getOrDefault(400, 0) > CASES / 4, "most mutations are refused: " + statuses);
            assertTrue(statuses.getOrDefault(200, 0) > 0, "some still serve: " + statuses);
            // the server goes on: nothing queued or in flight, and a valid request is served
            Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                for (ModelSchedulerStats s : SchedulerServiceGrpc.newBlockingStub(server.channel())
                        .getStats(GetStatsRequest.getDefaultInstance())
                        .getModelsList()) {
                    for (LevelStats l : s.getLevelsList()) {
                        assertEquals(0, l.getInFlight() + l.getQueueDepth(), s.getModelName() + " " + l);
                    }
                }
            });
            HttpResponse<String> ok = http.send(
                    HttpRequest.newBuilder(
                                    URI.create(server.httpBase() + ROUTES.get(0).path()))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    ROUTES.get(0).body()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
        }
    }

    /** The route's body mutated: mostly a few changes to its JSON, sometimes cut short, or random bytes. */
    private static byte[] body(Route route, Random random) throws Exception {
        int kind = random.nextInt(20);
        if (kind == 0) {
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            return noise;
        }
        if (kind == 1) {
            return route.body()
                    .substring(0, random.nextInt(route.body().length()))
                    .getBytes(StandardCharsets.UTF_8);
        }
        JsonNode tree = JSON.readTree(route.body());
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            mutate(tree, random);
        }
        return JSON.writeValueAsBytes(tree);
    }

    /** One change somewhere in {@code root}: a value replaced, or a member removed or added. */
    private static void mutate(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode at = containers.get(random.nextInt(containers.size()));
        if (at instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            int op = random.nextInt(4);
            if (names.isEmpty() || op == 0) {
                o.set(names.isEmpty() || random.nextBoolean() ? "x" + random.nextInt(3) : names.get(0), value(random));
            } else if (op == 1) {
                o.remove(names.get(random.nextInt(names.size())));
            } else {
                o.set(names.get(random.nextInt(names.size())), value(random));
            }
        } else if (at instanceof ArrayNode a) {
            if (a.isEmpty() || random.nextInt(3) == 0) {
                a.add(value(random));
            } else if (random.nextBoolean()) {
                a.remove(random.nextInt(a.size()));
            } else {
                a.set(random.nextInt(a.size()), value(random));
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            into.add(node);
            node.forEach(child -> collect(child, into));
        }
    }

    private static JsonNode value(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(16)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(-1);
            case 3 -> f.numberNode(0);
            case 4 -> f.numberNode(Long.MAX_VALUE);
            case 5 -> f.numberNode(new java.math.BigInteger("99999999999999999999999"));
            case 6 -> f.numberNode(1e308);
            case 7 -> f.numberNode(random.nextInt(70_000) - 1000);
            case 8 -> f.textNode("");
            case 9 -> f.textNode("x".repeat(random.nextInt(5000)));
            case 10 -> f.textNode("\u202e\u0000\ud83d\ude00 é");
            case 11 -> f.textNode("FP32");
            case 12 -> f.arrayNode();
            case 13 -> f.objectNode();
            case 14 -> {
                ArrayNode deep = f.arrayNode();
                ArrayNode at = deep;
                for (int i = 0; i < 50; i++) {
                    at = at.addArray();
                }
                yield deep;
            }
            default -> {
                ArrayNode many = f.arrayNode();
                for (int i = 0; i < random.nextInt(100); i++) {
                    many.add(random.nextGaussian());
                }
                yield many;
            }
        };
    }

    private static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
