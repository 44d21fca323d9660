package io.llmaos.server.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Browsers' cross-origin calls: none by default (no CORS headers, a preflight is not answered as one);
 * with {@code --http-cors-origins} the listed origin's preflight is answered with the methods and
 * headers the APIs take, and its answers carry Access-Control-Allow-Origin, while an origin not listed
 * gets none. The JDK's client sends Origin only from a JVM started with jdk.httpclient.allowRestrictedHeaders
 * set, so the requests here go through a raw socket.
 */
class CorsTest {
    private static final String PAGE = "https://app.example";

    @Test
    void offByDefault() throws Exception {
        try (TestServer server = TestServer.withHttp(TestServer.DEMO_MODELS, "", Map.of())) {
            String answer = raw(server, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\nOrigin: " + PAGE + "\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(!answer.toLowerCase().contains("access-control-allow-origin"), answer);
            String preflight = raw(server, preflight(PAGE));
            assertTrue(!preflight.toLowerCase().contains("access-control-allow-origin"), preflight);
        }
    }

    @Test
    void theListedOriginsMayCall() throws Exception {
        try (TestServer server = TestServer.withHttp(
                TestServer.DEMO_MODELS, "", Map.of(Setting.HTTP_CORS_ORIGINS, PAGE + ", http://localhost:3000"))) {
            String preflight = raw(server, preflight(PAGE)).toLowerCase();
            assertTrue(preflight.startsWith("http/1.1 200"), preflight);
            assertTrue(preflight.contains("access-control-allow-origin: " + PAGE), preflight);
            assertTrue(preflight.contains("access-control-allow-methods:") && preflight.contains("post"), preflight);
            assertTrue(preflight.contains("authorization") && preflight.contains("x-llmaos-priority"), preflight);
            String answer = raw(server, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\nOrigin: " + PAGE + "\r\n\r\n")
                    .toLowerCase();
            assertTrue(answer.contains("access-control-allow-origin: " + PAGE), answer);
            assertTrue(answer.contains("access-control-expose-headers:") && answer.contains("retry-after"), answer);
            String other = raw(
                            server, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n\r\n")
                    .toLowerCase();
            assertTrue(!other.contains("access-control-allow-origin"), other);
            // a client without Origin is served as always
            HttpResponse<String> plain = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.httpBase() + "/v2/health/live"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, plain.statusCode());
        }
    }

    @Test
    void aBadOriginIsRefusedAtStart() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                io.llmaos.server.config.SettingsException.class,
                () -> io.llmaos.server.TestSettings.loopback(
                        TestServer.DEMO_MODELS, Map.of(Setting.HTTP_CORS_ORIGINS, "https://app.example/path")));
        assertTrue(e.getMessage().contains("http-cors-origins"), e.getMessage());
    }

    private static String preflight(String origin) {
        return "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: x\r\nOrigin: " + origin
                + "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization,"
                + " content-type, x-llmaos-priority\r\n\r\n";
    }

    private static String raw(TestServer server, String request) throws Exception {
        URI base = URI.create(server.httpBase());
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] b = new byte[8192];
            int n = s.getInputStream().read(b);
            return n <= 0 ? "" : new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
