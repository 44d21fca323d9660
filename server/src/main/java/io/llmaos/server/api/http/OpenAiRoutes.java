package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.v1.ListModelsRequest;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.proto.v1.ModelSummary;
import io.llmaos.proto.v1.ModelVersionStatus;
import java.time.Duration;
import java.util.Map;

/**
 * The OpenAI-compatible API under {@code /v1}: {@code GET /v1/models} (every generative and embedding
 * model with a READY version), {@code POST /v1/completions}, {@code /v1/chat/completions}
 * ({@link OpenAiGeneration}, over {@code Generate}) and {@code /v1/embeddings} ({@link OpenAiEmbeddings},
 * over {@code Infer}), each the in-process gRPC call of the same meaning, so the same scheduler
 * (priorities, tenants, deadlines, continuous batching) serves both. The API key is the bearer token
 * of {@code --auth-tokens}; {@code x-llmaos-priority} (1 = highest) and {@code x-llmaos-timeout} (a
 * duration: {@code 500ms}, {@code 30s}, {@code 2m}) set a request's priority and deadline. Errors are
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class OpenAiRoutes {
    static final String PRIORITY = "x-llmaos-priority";
    static final String TIMEOUT = "x-llmaos-timeout";

    private final GrpcBridge grpc;
    private final OpenAiGeneration generation;
    private final OpenAiEmbeddings embeddings;

    OpenAiRoutes(GrpcBridge grpc, java.time.Clock clock) {
        this.grpc = grpc;
        this.generation = new OpenAiGeneration(grpc, clock);
        this.embeddings = new OpenAiEmbeddings(grpc);
    }

    /** A request of the API: its exchange, its JSON body (empty for a GET), priority and deadline. */
    record Request(HttpExchange x, JsonNode body, int priority, Duration deadline) {
        /** The body's {@code model}, required. */
        String model() {
            JsonNode m = body.path("model");
            if (!m.isTextual() || m.asText().isEmpty()) {
                throw OpenAiError.invalid("model", "model is required: the name of a served model");
            }
            return m.asText();
        }
    }

    /**
     * Reads the request's model ({@code GetModel}) and runs {@code then} with it when it is of
     * {@code kind} ({@code what} names the kind in the error otherwise); an {@link OpenAiError} thrown by
     * {@code then}, or the call's failure, answers the request.
     */
    static void withModel(
            GrpcBridge grpc,
            Request r,
            ModelKind kind,
            String what,
            java.util.function.Consumer<io.llmaos.proto.v1.GetModelResponse> then) {
        String model = r.model();
        grpc.unary(
                ModelRepositoryServiceGrpc.getGetModelMethod(),
                io.llmaos.proto.v1.GetModelRequest.newBuilder().setName(model).build(),
                r.x(),
                r.deadline(),
                m -> {
                    try {
                        if (m.getSummary().getKind() != kind) {
                            throw OpenAiError.invalid("model", model + " is not " + what);
                        }
                        then.accept(m);
                    } catch (OpenAiError e) {
                        e.answer(r.x());
                    }
                },
                t -> OpenAiError.of(t).answer(r.x()));
    }

    /** Answers {@code x} when its path is under /v1; false otherwise. */
    boolean handle(HttpExchange x) {
        String path = x.path();
        if (!path.equals("/v1") && !path.startsWith("/v1/")) {
            return false;
        }
        try {
            route(x, path);
        } catch (OpenAiError e) {
            e.answer(x);
        } catch (IllegalArgumentException e) {
            OpenAiError.invalid(null, e.getMessage()).answer(x);
        }
        return true;
    }

    private void route(HttpExchange x, String path) {
        boolean get = x.method().equals("GET");
        switch (path) {
            case "/v1/models" -> {
                only(get, x, "GET");
                models(request(x, false), null);
            }
            case "/v1/completions" -> {
                only(!get, x, "POST");
                generation.completions(request(x, true));
            }
            case "/v1/chat/completions" -> {
                only(!get, x, "POST");
                generation.chat(request(x, true));
            }
            case "/v1/embeddings" -> {
                only(!get, x, "POST");
                embeddings.embed(request(x, true));
            }
            default -> {
                if (path.startsWith("/v1/models/") && get) {
                    models(request(x, false), path.substring("/v1/models/".length()));
                } else {
                    throw new OpenAiError(
                            404,
                            "invalid_request_error",
                            "no such endpoint: " + io.llmaos.server.core.error.Echo.cut(path),
                            null,
                            "unknown_url",
                            Map.of());
                }
            }
        }
    }

    private static void only(boolean allowed, HttpExchange x, String method) {
        if (!allowed || !(x.method().equals("GET") || x.method().equals("POST"))) {
            throw new OpenAiError(
                    405, "invalid_request_error", x.path() + " takes " + method, null, "method_not_allowed", Map.of());
        }
    }

    private static Request request(HttpExchange x, boolean withBody) {
        JsonNode body = Json.object();
        if (withBody) {
            body = Json.parse(x.body(), x.body().length);
            if (!body.isObject()) {
                throw OpenAiError.invalid(null, "the request body is a JSON object");
            }
        }
        return new Request(x, body, priority(x.header(PRIORITY)), timeout(x.header(TIMEOUT)));
    }

    private static int priority(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        try {
            int p = Integer.parseInt(header.trim());
            if (p >= 0) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw OpenAiError.invalid(PRIORITY, PRIORITY + " is a priority level: 1 = highest (0 = the model's default)");
    }

    private static Duration timeout(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)").matcher(header.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw OpenAiError.invalid(TIMEOUT, TIMEOUT + " is a duration such as 500ms, 30s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** {@code GET /v1/models} (one == null) or {@code /v1/models/{one}}. */
    private void models(Request r, String one) {
        grpc.unary(
                ModelRepositoryServiceGrpc.getListModelsMethod(),
                ListModelsRequest.newBuilder().setReadyOnly(true).build(),
                r.x(),
                r.deadline(),
                list -> {
                    ArrayNode data = Json.MAPPER.createArrayNode();
                    for (ModelSummary m : list.getModelsList()) {
                        if (m.getKind() != ModelKind.GENERATIVE && m.getKind() != ModelKind.EMBEDDING) {
                            continue;
                        }
                        ObjectNode model = model(m);
                        if (model == null) {
                            continue;
                        }
                        if (one != null && m.getName().equals(one)) {
                            r.x().json(200, Json.write(model));
                            return;
                        }
                        data.add(model);
                    }
                    if (one != null) {
                        new OpenAiError(
                                        404,
                                        "invalid_request_error",
                                        "The model '" + io.llmaos.server.core.error.Echo.cut(one)
                                                + "' does not exist or is not loaded",
                                        "model",
                                        "model_not_found",
                                        Map.of())
                                .answer(r.x());
                        return;
                    }
                    ObjectNode body = Json.object().put("object", "list");
                    body.set("data", data);
                    r.x().json(200, Json.write(body));
                },
                t -> OpenAiError.of(t).answer(r.x()));
    }

    /** A model as the API lists it, or null without a READY version. */
    private static ObjectNode model(ModelSummary m) {
        for (ModelVersionStatus v : m.getVersionsList()) {
            if (v.getState() == ModelState.READY) {
                return Json.object()
                        .put("id", m.getName())
                        .put("object", "model")
                        .put("created", v.getSince().getSeconds())
                        .put("owned_by", "llmaos");
            }
        }
        return null;
    }
}
