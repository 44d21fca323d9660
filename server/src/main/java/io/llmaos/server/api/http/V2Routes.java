package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelConfigRequest;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelMetadataResponse;
import io.llmaos.proto.oip.ModelReadyRequest;
import io.llmaos.proto.oip.ModelRepositoryParameter;
import io.llmaos.proto.oip.ModelStatisticsRequest;
import io.llmaos.proto.oip.RepositoryIndexRequest;
import io.llmaos.proto.oip.RepositoryModelLoadRequest;
import io.llmaos.proto.oip.RepositoryModelUnloadRequest;
import io.llmaos.proto.oip.ServerLiveRequest;
import io.llmaos.proto.oip.ServerMetadataRequest;
import io.llmaos.proto.oip.ServerReadyRequest;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The KServe v2 REST API and Triton's REST extensions, each route the gRPC call of the same meaning:
 * {@code GET /v2}, {@code /v2/health/live|ready}, {@code /v2/models/M[/versions/V]} (metadata),
 * {@code .../ready}, {@code POST .../infer}, {@code GET .../config} and {@code .../stats}, and the
 * repository: {@code POST /v2/repository/index}, {@code /v2/repository/models/M/load|unload}.
 */
final class V2Routes {
    private static final Pattern MODEL = Pattern.compile(
            "/v2/models/([^/]+)(?:/versions/([^/]+))?(/ready|/infer|/config|/stats|/generate|/generate_stream)?");
    private static final Pattern REPOSITORY = Pattern.compile("/v2/repository/models/([^/]+)/(load|unload)");

    private final GrpcBridge grpc;

    V2Routes(GrpcBridge grpc) {
        this.grpc = grpc;
    }

    /** Answers {@code x}: false when no route matches its path. */
    boolean handle(HttpExchange x) {
        String path = x.path();
        switch (path) {
            case "/v2" -> {
                if (get(x)) {
                    grpc.unary(
                            GRPCInferenceServiceGrpc.getServerMetadataMethod(),
                            ServerMetadataRequest.getDefaultInstance(),
                            x,
                            r -> {
                                ObjectNode o =
                                        Json.object().put("name", r.getName()).put("version", r.getVersion());
                                ArrayNode ext = o.putArray("extensions");
                                r.getExtensionsList().forEach(ext::add);
                                ext.add(RestInfer.BINARY_EXTENSION); // the HTTP port's own
                                x.json(200, Json.write(o));
                            });
                }
                return true;
            }
            case "/v2/health/live" -> {
                if (get(x)) {
                    grpc.unary(
                            GRPCInferenceServiceGrpc.getServerLiveMethod(),
                            ServerLiveRequest.getDefaultInstance(),
                            x,
                            r -> health(x, "live", r.getLive()));
                }
                return true;
            }
            case "/v2/health/ready" -> {
                if (get(x)) {
                    grpc.unary(
                            GRPCInferenceServiceGrpc.getServerReadyMethod(),
                            ServerReadyRequest.getDefaultInstance(),
                            x,
                            r -> health(x, "ready", r.getReady()));
                }
                return true;
            }
            case "/v2/repository/index" -> {
                if (post(x)) {
                    index(x);
                }
                return true;
            }
            case "/v2/models/stats" -> {
                if (get(x)) {
                    stats(x, "", "");
                }
                return true;
            }
            default -> {
                Matcher m = MODEL.matcher(path);
                if (m.matches()) {
                    model(x, decode(m.group(1)), m.group(2) == null ? "" : decode(m.group(2)), m.group(3));
                    return true;
                }
                Matcher r = REPOSITORY.matcher(path);
                if (r.matches()) {
                    if (post(x)) {
                        repository(x, decode(r.group(1)), r.group(2).equals("load"));
                    }
                    return true;
                }
                return false;
            }
        }
    }

    private void model(HttpExchange x, String model, String version, String action) {
        if (action == null) {
            if (get(x)) {
                grpc.unary(
                        GRPCInferenceServiceGrpc.getModelMetadataMethod(),
                        ModelMetadataRequest.newBuilder()
                                .setName(model)
                                .setVersion(version)
                                .build(),
                        x,
                        r -> x.json(200, Json.write(metadata(r))));
            }
            return;
        }
        switch (action) {
            case "/ready" -> {
                if (get(x)) {
                    grpc.unary(
                            GRPCInferenceServiceGrpc.getModelReadyMethod(),
                            ModelReadyRequest.newBuilder()
                                    .setName(model)
                                    .setVersion(version)
                                    .build(),
                            x,
                            r -> x.json(
                                    r.getReady() ? 200 : 400,
                                    Json.write(Json.object().put("name", model).put("ready", r.getReady()))));
                }
            }
            case "/infer" -> {
                if (post(x)) {
                    infer(x, model, version);
                }
            }
            case "/generate" -> {
                if (post(x)) {
                    grpc.unary(
                            GRPCInferenceServiceGrpc.getModelInferMethod(),
                            RestGenerate.request(model, version, x.body(), false),
                            x,
                            r -> x.json(200, RestGenerate.response(r)));
                }
            }
            case "/generate_stream" -> {
                if (post(x)) {
                    generateStream(x, model, version);
                }
            }
            case "/config" -> {
                if (get(x)) {
                    grpc.unary(
                            GRPCInferenceServiceGrpc.getModelConfigMethod(),
                            ModelConfigRequest.newBuilder()
                                    .setName(model)
                                    .setVersion(version)
                                    .build(),
                            x,
                            r -> x.json(200, TritonJson.write(r.getConfig())));
                }
            }
            default -> {
                if (get(x)) {
                    stats(x, model, version);
                }
            }
        }
    }

    private void infer(HttpExchange x, String model, String version) {
        byte[] body = x.body();
        String header = x.header(RestInfer.HEADER_LENGTH);
        int headerLength;
        try {
            headerLength = header == null ? body.length : Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            x.error(400, RestInfer.HEADER_LENGTH + " must be a number of bytes", Map.of());
            return;
        }
        RestInfer.Parsed parsed = RestInfer.request(model, version, body, headerLength);
        RestInfer.BinaryAsk ask = parsed.ask();
        grpc.unary(GRPCInferenceServiceGrpc.getModelInferMethod(), parsed.request(), x, r -> {
            RestInfer.Reply reply = RestInfer.response(r, ask);
            if (reply.binary().length == 0) {
                x.send(200, "application/json", reply.json(), Map.of());
            } else {
                byte[] all = new byte[reply.json().length + reply.binary().length];
                System.arraycopy(reply.json(), 0, all, 0, reply.json().length);
                System.arraycopy(reply.binary(), 0, all, reply.json().length, reply.binary().length);
                x.send(
                        200,
                        "application/octet-stream",
                        all,
                        Map.of(RestInfer.HEADER_LENGTH, String.valueOf(reply.json().length)));
            }
        });
    }

    /**
     * Streams a generation as Server-Sent Events, one per text delta, over ModelStreamInfer; a failure
     * before the first event is answered with its status, one after it as a last {@code {"error"}}
     * event. Closing the connection cancels the call, and the generation with it.
     */
    private void generateStream(HttpExchange x, String model, String version) {
        ModelInferRequest request = RestGenerate.request(model, version, x.body(), true);
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        grpc.stream(
                GRPCInferenceServiceGrpc.getModelStreamInferMethod(),
                request,
                x,
                r -> {
                    if (!r.getErrorMessage().isEmpty()) {
                        if (started.getAndSet(true)) {
                            x.event(Json.error(r.getErrorMessage()));
                        } else {
                            GrpcBridge.failInStream(x, r);
                        }
                        return;
                    }
                    if (!started.getAndSet(true)) {
                        x.startEvents();
                    }
                    x.event(RestGenerate.response(r.getInferResponse()));
                },
                failure -> {
                    if (failure == null) {
                        if (started.get()) {
                            x.endEvents();
                        } else {
                            x.error(500, "the generation ended without a response", Map.of());
                        }
                    } else if (started.get()) {
                        x.event(Json.error(failure.getStatus().getDescription()));
                        x.endEvents();
                    } else {
                        GrpcBridge.fail(x, failure);
                    }
                });
    }

    private void stats(HttpExchange x, String model, String version) {
        grpc.unary(
                GRPCInferenceServiceGrpc.getModelStatisticsMethod(),
                ModelStatisticsRequest.newBuilder()
                        .setName(model)
                        .setVersion(version)
                        .build(),
                x,
                r -> x.json(200, TritonJson.write(r)));
    }

    private void index(HttpExchange x) {
        JsonNode body = x.body().length == 0 ? Json.object() : Json.parse(x.body(), x.body().length);
        grpc.unary(
                GRPCInferenceServiceGrpc.getRepositoryIndexMethod(),
                RepositoryIndexRequest.newBuilder()
                        .setReady(body.path("ready").asBoolean(false))
                        .build(),
                x,
                r -> {
                    ArrayNode models = Json.MAPPER.createArrayNode();
                    r.getModelsList().forEach(m -> {
                        ObjectNode o = models.addObject().put("name", m.getName());
                        if (!m.getVersion().isEmpty()) {
                            o.put("version", m.getVersion());
                        }
                        if (!m.getState().isEmpty()) {
                            o.put("state", m.getState());
                        }
                        if (!m.getReason().isEmpty()) {
                            o.put("reason", m.getReason());
                        }
                    });
                    x.json(200, Json.write(models));
                });
    }

    private void repository(HttpExchange x, String model, boolean load) {
        JsonNode body = x.body().length == 0 ? Json.object() : Json.parse(x.body(), x.body().length);
        Map<String, ModelRepositoryParameter> parameters = new java.util.HashMap<>();
        JsonNode params = body.path("parameters");
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            ModelRepositoryParameter.Builder p = ModelRepositoryParameter.newBuilder();
            if (v.isBoolean()) {
                p.setBoolParam(v.asBoolean());
            } else if (v.isIntegralNumber()) {
                p.setInt64Param(v.asLong());
            } else if (v.isTextual()) {
                p.setStringParam(v.asText());
            } else {
                throw new IllegalArgumentException(
                        "parameters." + e.getKey() + ": a boolean, integer or string is required");
            }
            parameters.put(e.getKey(), p.build());
        }
        if (load) {
            grpc.unary(
                    GRPCInferenceServiceGrpc.getRepositoryModelLoadMethod(),
                    RepositoryModelLoadRequest.newBuilder()
                            .setModelName(model)
                            .putAllParameters(parameters)
                            .build(),
                    x,
                    r -> x.json(200, "{}"));
        } else {
            grpc.unary(
                    GRPCInferenceServiceGrpc.getRepositoryModelUnloadMethod(),
                    RepositoryModelUnloadRequest.newBuilder()
                            .setModelName(model)
                            .putAllParameters(parameters)
                            .build(),
                    x,
                    r -> x.json(200, "{}"));
        }
    }

    /** Model metadata as the REST API writes it (shapes as numbers, not proto JSON's strings). */
    static ObjectNode metadata(ModelMetadataResponse r) {
        ObjectNode o = Json.object().put("name", r.getName());
        ArrayNode versions = o.putArray("versions");
        r.getVersionsList().forEach(versions::add);
        o.put("platform", r.getPlatform());
        for (String side : new String[] {"inputs", "outputs"}) {
            ArrayNode tensors = o.putArray(side);
            for (ModelMetadataResponse.TensorMetadata t :
                    side.equals("inputs") ? r.getInputsList() : r.getOutputsList()) {
                ObjectNode n = tensors.addObject().put("name", t.getName()).put("datatype", t.getDatatype());
                ArrayNode shape = n.putArray("shape");
                t.getShapeList().forEach(shape::add);
            }
        }
        return o;
    }

    /**
     * A health answer: the status says it (200 true, 400 false, as the protocol defines), and the body
     * too, {@code {"live": true}}, as KServe's own server writes it and its REST client reads it.
     */
    private static void health(HttpExchange x, String what, boolean yes) {
        x.json(yes ? 200 : 400, Json.write(Json.object().put(what, yes)));
    }

    private static boolean get(HttpExchange x) {
        return x.takes("GET");
    }

    private static boolean post(HttpExchange x) {
        return x.takes("POST");
    }

    static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
