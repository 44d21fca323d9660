package io.llmaos.server.api.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import java.util.List;

/**
 * Cross-origin calls from web pages (CORS), off unless {@code --http-cors-origins} names the origins
 * (or {@code *}): then Netty's CORS handler answers preflight requests and marks answers to the listed
 * origins readable, with the headers the APIs take (a bearer token, the tenant, priority and timeout,
 * trace context, Triton's binary header) and expose (Retry-After, the binary header). An origin not
 * listed gets no CORS headers, so a browser keeps its page from reading the answer; tokens are still
 * required as for any client (no cookies are used, so no credentials mode).
 */
final class Cors {
    private Cors() {}

    /** The configuration for {@code origins}, or null when CORS is off. */
    static CorsConfig config(List<String> origins) {
        if (origins.isEmpty()) {
            return null;
        }
        CorsConfigBuilder b = origins.contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : CorsConfigBuilder.forOrigins(origins.toArray(String[]::new));
        return b.allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.HEAD)
                .allowedRequestHeaders(
                        "authorization",
                        "content-type",
                        "content-encoding",
                        "accept-encoding",
                        RestInfer.HEADER_LENGTH.toLowerCase(java.util.Locale.ROOT),
                        io.llmaos.server.api.interceptor.TenantInterceptor.HEADER,
                        OpenAiRoutes.PRIORITY,
                        OpenAiRoutes.TIMEOUT,
                        "traceparent",
                        "tracestate")
                .exposeHeaders(RestInfer.HEADER_LENGTH, "retry-after", "content-encoding")
                .maxAge(600)
                .build();
    }
}
