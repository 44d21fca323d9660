package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import io.llmaos.server.security.TokenTable;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP side obeys the gRPC side's authentication and roles: no token is 401 with a Bearer
 * challenge, a wrong one 401, an {@code infer} token may infer but not manage the repository (403),
 * an {@code admin} token may; health and readiness stay open to probes as on gRPC.
 */
class RestAuthTest {
    @TempDir
    Path dir;

    @Test
    void tokensAndRolesAreTheGrpcPortsOnes() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(
                tokens,
                TokenTable.hashOf("infer-token") + " acme infer\n" + TokenTable.hashOf("admin-token") + " ops admin\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS,
                "mlp-classifier",
                Map.of(Setting.AUTH_TOKENS, tokens.toString(), Setting.HTTP_PORT, String.valueOf(port)))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            String infer = "{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 16], \"datatype\": \"FP32\","
                    + " \"data\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";
            HttpResponse<String> none = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v2/models/mlp-classifier/infer"))
                            .POST(HttpRequest.BodyPublishers.ofString(infer))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode(), none.body());
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            assertTrue(none.body().contains("\"error\""));
            assertEquals(
                    401,
                    send(http, base + "/v2/models/mlp-classifier/infer", infer, "wrong")
                            .statusCode());
            assertEquals(
                    200,
                    send(http, base + "/v2/models/mlp-classifier/infer", infer, "infer-token")
                            .statusCode());
            assertEquals(
                    403,
                    send(http, base + "/v2/repository/models/mlp-classifier/load", "{}", "infer-token")
                            .statusCode());
            assertEquals(
                    200,
                    send(http, base + "/v2/repository/models/mlp-classifier/load", "{}", "admin-token")
                            .statusCode());
            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v2/health/ready"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), "probes need no token, as on gRPC");
        }
    }

    private static HttpResponse<String> send(HttpClient http, String url, String body, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
