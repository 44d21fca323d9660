package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An error of the OpenAI-compatible API, answered as the OpenAI API reference shapes it:
 * {@code {"error": {"message", "type", "param", "code"}}} with its HTTP status (and Retry-After on a 429).
 */
final class OpenAiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final transient Map<String, String> headers;

    OpenAiError(int status, String type, String message, String param, String code, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    /** A request the API refuses before any call: 400, {@code invalid_request_error}, naming {@code param}. */
    static OpenAiError invalid(String param, String message) {
        return new OpenAiError(400, "invalid_request_error", message, param, null, Map.of());
    }

    /** What a failed call of the server's services means here. */
    static OpenAiError of(GrpcBridge.Failure f) {
        String type = f.status() == 429 ? "requests" : f.status() >= 500 ? "server_error" : "invalid_request_error";
        String code = switch (f.status()) {
            case 401 -> "invalid_api_key";
            case 404 -> "model_not_found";
            case 429 -> "rate_limit_exceeded";
            case 504 -> "timeout";
            default -> f.reason() == null ? null : f.reason().toLowerCase(java.util.Locale.ROOT);
        };
        // the deadline of x-llmaos-timeout ends the call in this process: gRPC's own words name its internals
        String message = f.reason() == null && f.code() == io.grpc.Status.Code.DEADLINE_EXCEEDED
                ? "the request did not finish within its deadline (" + OpenAiRoutes.TIMEOUT + ")"
                : f.message();
        return new OpenAiError(f.status(), type, message, param(f.field()), code, f.headers());
    }

    /** The request field a gRPC field violation names, in the OpenAI API's words where it has them. */
    static String param(String field) {
        if (field == null) {
            return null;
        }
        if (field.equals("text") || field.startsWith("token_ids")) {
            return "prompt";
        }
        if (field.startsWith("inputs")) {
            return "input";
        }
        if (field.startsWith("sampling.")) {
            String name = field.substring("sampling.".length());
            return name.startsWith("max_new_tokens") ? "max_tokens" : name.startsWith("stop_sequences") ? "stop" : name;
        }
        return field;
    }

    static OpenAiError of(Throwable t) {
        return t instanceof OpenAiError e ? e : of(GrpcBridge.failure(t));
    }

    /** The body: {@code {"error": {...}}}. */
    ObjectNode body() {
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage()).put("type", type).put("param", param).put("code", code);
        return root;
    }

    /** Answers the exchange with this error. */
    void answer(HttpExchange x) {
        x.send(status, "application/json", Json.write(body()).getBytes(StandardCharsets.UTF_8), headers);
    }
}
