package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import io.llmaos.server.security.TokenTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization matrix over HTTP, as gRPC's (AuthMatrixTest): every route of the HTTP port (KServe
 * v2 and Triton's extensions, the console's API, the OpenAI-compatible API) called with no token, an {@code infer} token and an
 * {@code admin} token. Probes are open; reading and inference need {@code infer}; loading, unloading and
 * policy changes need {@code admin}. A refused call is 401 (no or an unknown token) or 403 (a role short);
 * an allowed one is neither (its own answer, 2xx for these requests). A 401 carries a Bearer challenge,
 * and every refusal an error body.
 */
class RestAuthMatrixTest {
    private enum Needs {
        OPEN,
        INFER,
        ADMIN
    }

    private record Route(String method, String path, String body, Needs needs) {}

    private static final String MLP_INFER = "{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 16],"
            + " \"datatype\": \"FP32\", \"data\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}]}";

    private static final List<Route> ROUTES = List.of(
            new Route("GET", "/v2/health/live", null, Needs.OPEN),
            new Route("GET", "/v2/health/ready", null, Needs.OPEN),
            new Route("GET", "/v2", null, Needs.INFER),
            new Route("GET", "/v2/models/mlp-classifier", null, Needs.INFER),
            new Route("GET", "/v2/models/mlp-classifier/ready", null, Needs.INFER),
            new Route("GET", "/v2/models/mlp-classifier/config", null, Needs.INFER),
            new Route("GET", "/v2/models/mlp-classifier/stats", null, Needs.INFER),
            new Route("POST", "/v2/models/mlp-classifier/infer", MLP_INFER, Needs.INFER),
            new Route(
                    "POST", "/v2/models/gpt-kjv/generate", "{\"text_input\": \"In\", \"max_tokens\": 2}", Needs.INFER),
            new Route("POST", "/v2/repository/index", "{}", Needs.INFER),
            new Route("GET", "/api/models", null, Needs.INFER),
            new Route("GET", "/api/resources", null, Needs.INFER),
            new Route("GET", "/api/stats", null, Needs.INFER),
            new Route("GET", "/api/models/mlp-classifier/policy", null, Needs.INFER),
            new Route("GET", "/v1/models", null, Needs.INFER),
            new Route(
                    "POST",
                    "/v1/completions",
                    "{\"model\": \"gpt-kjv\", \"prompt\": \"In\", \"max_tokens\": 2}",
                    Needs.INFER),
            new Route(
                    "POST",
                    "/v1/chat/completions",
                    "{\"model\": \"gpt-kjv\", \"max_tokens\": 2,"
                            + " \"messages\": [{\"role\": \"user\", \"content\": \"In\"}]}",
                    Needs.INFER),
            new Route("GET", "/v2/systemsharedmemory/status", null, Needs.INFER),
            new Route("GET", "/v2/logging", null, Needs.ADMIN),
            new Route("GET", "/v2/trace/setting", null, Needs.ADMIN),
            new Route("POST", "/v2/systemsharedmemory/unregister", null, Needs.ADMIN),
            new Route("POST", "/v2/repository/models/tf-dense/load", "{}", Needs.ADMIN),
            new Route("POST", "/v2/repository/models/tf-dense/unload", "{}", Needs.ADMIN),
            new Route("POST", "/api/models/tf-dense/load", "", Needs.ADMIN),
            new Route("POST", "/api/models/tf-dense/unload", "", Needs.ADMIN),
            new Route("PUT", "/api/models/mlp-classifier/policy", "{}", Needs.ADMIN));

    @TempDir
    Path dir;

    @Test
    void everyRouteAsksForTheRoleGrpcAsksFor() throws Exception {
        Path tokens = Files.writeString(
                dir.resolve("tokens"),
                TokenTable.hashOf("infer-token") + " acme infer\n" + TokenTable.hashOf("admin-token") + " ops admin\n");
        try (TestServer server = TestServer.withHttp(
                TestServer.DEMO_MODELS, "mlp-classifier,gpt-kjv", Map.of(Setting.AUTH_TOKENS, tokens.toString()))) {
            HttpClient http = HttpClient.newHttpClient();
            List<String> wrong = new ArrayList<>();
            for (String token : new String[] {null, "unknown-token", "infer-token", "admin-token"}) {
                for (Route r : ROUTES) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.httpBase() + r.path()))
                            .method(
                                    r.method(),
                                    r.body() == null
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString(r.body()));
                    if (token != null) {
                        b.header("Authorization", "Bearer " + token);
                    }
                    HttpResponse<String> answer = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    int expected = expected(r.needs(), token);
                    int got = answer.statusCode();
                    boolean ok = expected == 200 ? got >= 200 && got < 300 : got == expected;
                    if (!ok) {
                        wrong.add(r.method() + " " + r.path() + " as " + token + ": " + got + " (expected "
                                + (expected == 200 ? "2xx" : expected) + ") " + answer.body());
                    }
                    if (got == 401) {
                        assertEquals(
                                "Bearer",
                                answer.headers().firstValue("WWW-Authenticate").orElse(""),
                                r.path());
                    }
                    if (got == 401 || got == 403) {
                        // refused in the route's own error shape: {"error": ...} (v2, console) or the OpenAI one
                        assertTrue(answer.body().contains("\"error\""), r.path() + ": " + answer.body());
                    }
                }
            }
            assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        }
    }

    private static int expected(Needs needs, String token) {
        if (needs == Needs.OPEN) {
            return 200;
        }
        if (token == null || token.equals("unknown-token")) {
            return 401;
        }
        if (needs == Needs.ADMIN && token.equals("infer-token")) {
            return 403;
        }
        return 200;
    }
}
