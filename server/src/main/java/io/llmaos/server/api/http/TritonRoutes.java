package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.CudaSharedMemoryRegisterRequest;
import io.llmaos.proto.oip.CudaSharedMemoryStatusRequest;
import io.llmaos.proto.oip.CudaSharedMemoryUnregisterRequest;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.LogSettingsRequest;
import io.llmaos.proto.oip.SystemSharedMemoryRegisterRequest;
import io.llmaos.proto.oip.SystemSharedMemoryStatusRequest;
import io.llmaos.proto.oip.SystemSharedMemoryUnregisterRequest;
import io.llmaos.proto.oip.TraceSettingRequest;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Triton's HTTP extensions beside KServe v2, each the gRPC call of the same name: logging
 * ({@code GET|POST /v2/logging}), trace settings ({@code GET|POST /v2[/models/{m}]/trace/setting}, and
 * the older {@code .../trace}), system shared memory ({@code GET /v2/systemsharedmemory[/region/{r}]/status},
 * {@code POST .../region/{r}/register} with {@code {"key", "offset", "byte_size"}}, {@code POST
 * .../unregister}) and CUDA shared memory (the same paths under {@code cudasharedmemory}; this build
 * answers them as its gRPC service does: not implemented).
 */
final class TritonRoutes {
    private static final Pattern TRACE = Pattern.compile("/v2(?:/models/([^/]+))?/trace(?:/setting)?");
    private static final Pattern SHM =
            Pattern.compile("/v2/(system|cuda)sharedmemory(?:/region/([^/]+))?/(status|register|unregister)");

    private final GrpcBridge grpc;

    TritonRoutes(GrpcBridge grpc) {
        this.grpc = grpc;
    }

    /** Answers {@code x}: false when no route matches its path. */
    boolean handle(HttpExchange x) {
        if (x.path().equals("/v2/logging")) {
            if (x.takes("GET", "POST")) {
                logging(x);
            }
            return true;
        }
        Matcher trace = TRACE.matcher(x.path());
        if (trace.matches()) {
            if (x.takes("GET", "POST")) {
                trace(x, trace.group(1) == null ? "" : V2Routes.decode(trace.group(1)));
            }
            return true;
        }
        Matcher shm = SHM.matcher(x.path());
        if (shm.matches()) {
            String region = shm.group(2) == null ? "" : V2Routes.decode(shm.group(2));
            String action = shm.group(3);
            if (x.takes(action.equals("status") ? "GET" : "POST")) {
                if (shm.group(1).equals("system")) {
                    system(x, region, action);
                } else {
                    cuda(x, region, action);
                }
            }
            return true;
        }
        return false;
    }

    private void logging(HttpExchange x) {
        LogSettingsRequest.Builder b = LogSettingsRequest.newBuilder();
        if (x.method().equals("POST")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = body(x).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                LogSettingsRequest.SettingValue.Builder s = LogSettingsRequest.SettingValue.newBuilder();
                if (v.isBoolean()) {
                    s.setBoolParam(v.asBoolean());
                } else if (v.isIntegralNumber()
                        && v.canConvertToLong()
                        && v.asLong() >= 0
                        && v.asLong() <= 0xFFFFFFFFL) {
                    s.setUint32Param((int) v.asLong());
                } else if (v.isTextual()) {
                    s.setStringParam(v.asText());
                } else {
                    throw new IllegalArgumentException(
                            e.getKey() + ": a boolean, a non-negative integer or a string is required");
                }
                b.putSettings(e.getKey(), s.build());
            }
        }
        grpc.unary(GRPCInferenceServiceGrpc.getLogSettingsMethod(), b.build(), x, r -> {
            ObjectNode o = Json.object();
            new TreeMap<>(r.getSettingsMap()).forEach((k, v) -> {
                switch (v.getParameterChoiceCase()) {
                    case BOOL_PARAM -> o.put(k, v.getBoolParam());
                    case UINT32_PARAM -> o.put(k, Integer.toUnsignedLong(v.getUint32Param()));
                    default -> o.put(k, v.getStringParam());
                }
            });
            x.json(200, Json.write(o));
        });
    }

    private void trace(HttpExchange x, String model) {
        TraceSettingRequest.Builder b = TraceSettingRequest.newBuilder().setModelName(model);
        if (x.method().equals("POST")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = body(x).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                TraceSettingRequest.SettingValue.Builder s = TraceSettingRequest.SettingValue.newBuilder();
                if (v.isTextual()) {
                    s.addValue(v.asText());
                } else if (v.isArray()) {
                    for (JsonNode one : v) {
                        if (!one.isTextual()) {
                            throw new IllegalArgumentException(e.getKey() + ": a list of strings is required");
                        }
                        s.addValue(one.asText());
                    }
                } else if (!v.isNull()) { // null: back to the default
                    throw new IllegalArgumentException(
                            e.getKey() + ": a string, a list of strings or null is required");
                }
                b.putSettings(e.getKey(), s.build());
            }
        }
        grpc.unary(GRPCInferenceServiceGrpc.getTraceSettingMethod(), b.build(), x, r -> {
            ObjectNode o = Json.object();
            new TreeMap<>(r.getSettingsMap()).forEach((k, v) -> {
                if (k.equals("trace_level") || v.getValueCount() != 1) {
                    ArrayNode values = o.putArray(k); // Triton writes the levels as a list
                    v.getValueList().forEach(values::add);
                } else {
                    o.put(k, v.getValue(0));
                }
            });
            x.json(200, Json.write(o));
        });
    }

    private void system(HttpExchange x, String region, String action) {
        switch (action) {
            case "status" ->
                grpc.unary(
                        GRPCInferenceServiceGrpc.getSystemSharedMemoryStatusMethod(),
                        SystemSharedMemoryStatusRequest.newBuilder()
                                .setName(region)
                                .build(),
                        x,
                        r -> regions(x, r.getRegionsMap()));
            case "register" -> {
                JsonNode body = body(x);
                grpc.unary(
                        GRPCInferenceServiceGrpc.getSystemSharedMemoryRegisterMethod(),
                        SystemSharedMemoryRegisterRequest.newBuilder()
                                .setName(named(region))
                                .setKey(text(body, "key"))
                                .setOffset(count(body, "offset", false))
                                .setByteSize(count(body, "byte_size", true))
                                .build(),
                        x,
                        r -> x.empty(200));
            }
            default ->
                grpc.unary(
                        GRPCInferenceServiceGrpc.getSystemSharedMemoryUnregisterMethod(),
                        SystemSharedMemoryUnregisterRequest.newBuilder()
                                .setName(region)
                                .build(),
                        x,
                        r -> x.empty(200));
        }
    }

    private void cuda(HttpExchange x, String region, String action) {
        switch (action) {
            case "status" ->
                grpc.unary(
                        GRPCInferenceServiceGrpc.getCudaSharedMemoryStatusMethod(),
                        CudaSharedMemoryStatusRequest.newBuilder()
                                .setName(region)
                                .build(),
                        x,
                        r -> regions(x, r.getRegionsMap()));
            case "register" -> {
                JsonNode body = body(x);
                String handle = body.path("raw_handle").path("b64").asText("");
                byte[] raw;
                try {
                    raw = java.util.Base64.getDecoder().decode(handle);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("raw_handle.b64: base64 is required");
                }
                grpc.unary(
                        GRPCInferenceServiceGrpc.getCudaSharedMemoryRegisterMethod(),
                        CudaSharedMemoryRegisterRequest.newBuilder()
                                .setName(named(region))
                                .setRawHandle(ByteString.copyFrom(raw))
                                .setDeviceId(count(body, "device_id", false))
                                .setByteSize(count(body, "byte_size", true))
                                .build(),
                        x,
                        r -> x.empty(200));
            }
            default ->
                grpc.unary(
                        GRPCInferenceServiceGrpc.getCudaSharedMemoryUnregisterMethod(),
                        CudaSharedMemoryUnregisterRequest.newBuilder()
                                .setName(region)
                                .build(),
                        x,
                        r -> x.empty(200));
        }
    }

    /** A status answer: each region, by name, as Triton writes it ({@code [{"name", "key", "offset", "byte_size"}]}). */
    private static void regions(HttpExchange x, Map<String, ? extends com.google.protobuf.MessageOrBuilder> regions) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        new TreeMap<>(regions).values().forEach(region -> all.add(TritonJson.tree(region)));
        x.json(200, Json.write(all));
    }

    private static String named(String region) {
        if (region.isEmpty()) {
            throw new IllegalArgumentException("register names its region: .../region/{name}/register");
        }
        return region;
    }

    private static JsonNode body(HttpExchange x) {
        JsonNode body = x.body().length == 0 ? Json.object() : Json.parse(x.body(), x.body().length);
        if (!body.isObject()) {
            throw new IllegalArgumentException("the request body is a JSON object");
        }
        return body;
    }

    private static String text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(key + ": a string is required");
        }
        return v.asText();
    }

    /** A non-negative integer member; 0 when absent and not {@code required}. */
    private static long count(JsonNode body, String key, boolean required) {
        JsonNode v = body.get(key);
        if (v == null && !required) {
            return 0;
        }
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException(key + ": a non-negative integer is required");
        }
        return v.asLong();
    }
}
