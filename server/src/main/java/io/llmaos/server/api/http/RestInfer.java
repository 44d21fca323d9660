package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The KServe v2 REST inference request and response, translated to and from {@code ModelInferRequest}
 * and {@code ModelInferResponse}: tensors as JSON (flat or nested row-major arrays of the datatype's
 * JSON type; BYTES as strings), parameters, requested outputs, and Triton's binary tensor extension
 * ({@code Inference-Header-Content-Length}: the JSON header, then each binary tensor in order; an input
 * with {@code binary_data_size}, an output asked with {@code binary_data} or every output with
 * {@code binary_data_output}). The gRPC side validates everything else, as for any client.
 */
final class RestInfer {
    /** Triton's name for its binary tensor extension, as the server's metadata lists it over HTTP. */
    static final String BINARY_EXTENSION = "binary_tensor_data";

    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    private static final String BINARY_SIZE = "binary_data_size";
    private static final String BINARY = "binary_data";
    /** Triton's parameter naming the shared-memory region a tensor lives in. */
    private static final String SHM_REGION = "shared_memory_region";
    /** Marks an input read from shared memory among the raw contents. */
    private static final byte[] IN_SHARED_MEMORY = new byte[0];

    private static final String BINARY_OUTPUT = "binary_data_output";

    private RestInfer() {}

    /** The response: the JSON header, and the binary tensors after it (empty for none). */
    record Reply(byte[] json, byte[] binary) {}

    /** What the response should carry as binary: every output, or those named. */
    record BinaryAsk(boolean all, Set<String> names) {
        boolean wants(String name) {
            return all || names.contains(name);
        }
    }

    /** A REST inference request read once: the gRPC request, and what the answer should carry as binary. */
    record Parsed(ModelInferRequest request, BinaryAsk ask) {}

    /**
     * The request to {@code model} (version {@code version}, "" for the server's choice) in {@code body},
     * whose first {@code headerLength} bytes are JSON ({@code body.length} when there is no binary part).
     */
    static Parsed request(String model, String version, byte[] body, int headerLength) {
        if (headerLength < 0 || headerLength > body.length) {
            throw new IllegalArgumentException(
                    HEADER_LENGTH + " must be between 0 and the body's length (" + body.length + ")");
        }
        JsonNode json = Json.parse(body, headerLength);
        if (!json.isObject()) {
            throw new IllegalArgumentException("an inference request is a JSON object");
        }
        ModelInferRequest.Builder b =
                ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version);
        if (json.hasNonNull("id")) {
            b.setId(json.get("id").asText());
        }
        parameters(json.get("parameters"), "parameters", Set.of(BINARY_OUTPUT), b::putParameters);
        JsonNode inputs = json.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw new IllegalArgumentException("inputs: an array of input tensors is required");
        }
        List<byte[]> raw = new ArrayList<>();
        boolean anyBinary = false;
        int offset = headerLength;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode in = inputs.get(i);
            String field = "inputs[" + i + "]";
            ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(text(in, "name", field))
                    .setDatatype(text(in, "datatype", field));
            JsonNode shape = in.get("shape");
            if (shape == null || !shape.isArray()) {
                throw new IllegalArgumentException(field + ".shape: an array of dimensions is required");
            }
            shape.forEach(d -> t.addShape(d.asLong()));
            parameters(in.get("parameters"), field + ".parameters", Set.of(BINARY_SIZE), t::putParameters);
            JsonNode size = in.path("parameters").get(BINARY_SIZE);
            if (size != null) {
                long n = size.asLong(-1);
                if (n < 0 || offset + n > body.length) {
                    throw new IllegalArgumentException(
                            field + ".parameters." + BINARY_SIZE + " reaches past the end of the body");
                }
                raw.add(java.util.Arrays.copyOfRange(body, offset, offset + (int) n));
                offset += (int) n;
                anyBinary = true;
            } else if (in.path("parameters").has(SHM_REGION)) {
                if (in.has("data")) {
                    throw new IllegalArgumentException(field + ".data: must be absent for an input in shared memory");
                }
                raw.add(IN_SHARED_MEMORY);
            } else {
                JsonNode data = in.get("data");
                if (data == null) {
                    throw new IllegalArgumentException(field + ".data: the tensor's data is required");
                }
                t.setContents(TensorJson.contents(t.getDatatype(), data, field + ".data"));
                raw.add(null);
            }
            b.addInputs(t);
        }
        if (offset != body.length) {
            throw new IllegalArgumentException("the body holds " + (body.length - offset)
                    + " bytes after the tensors its inputs' " + BINARY_SIZE + " account for");
        }
        if (anyBinary) {
            // gRPC takes raw contents for every input or for none: the JSON ones are encoded too
            for (int i = 0; i < raw.size(); i++) {
                if (raw.get(i) == IN_SHARED_MEMORY) {
                    continue; // gRPC's raw contents hold one entry per input not in shared memory
                }
                ModelInferRequest.InferInputTensor.Builder t = b.getInputsBuilder(i);
                b.addRawInputContents(ByteString.copyFrom(
                        raw.get(i) != null ? raw.get(i) : TensorJson.raw(t.getDatatype(), t.getContents())));
                t.clearContents();
            }
        }
        JsonNode outputs = json.get("outputs");
        if (outputs != null && outputs.isArray()) {
            for (int i = 0; i < outputs.size(); i++) {
                String field = "outputs[" + i + "]";
                ModelInferRequest.InferRequestedOutputTensor.Builder o =
                        ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName(text(outputs.get(i), "name", field));
                parameters(outputs.get(i).get("parameters"), field + ".parameters", Set.of(BINARY), o::putParameters);
                b.addOutputs(o);
            }
        }
        return new Parsed(b.build(), binaryAsk(json));
    }

    /** What the request asks to have back as binary. */
    private static BinaryAsk binaryAsk(JsonNode json) {
        boolean all = json.path("parameters").path(BINARY_OUTPUT).asBoolean(false);
        Set<String> names = new HashSet<>();
        json.path("outputs").forEach(o -> {
            if (o.path("parameters").path(BINARY).asBoolean(false)) {
                names.add(o.path("name").asText());
            }
        });
        return new BinaryAsk(all, names);
    }

    /** The response as JSON, with the outputs {@code ask} names as binary after it. */
    static Reply response(ModelInferResponse r, BinaryAsk ask) {
        ObjectNode json = Json.object();
        json.put("model_name", r.getModelName());
        if (!r.getModelVersion().isEmpty()) {
            json.put("model_version", r.getModelVersion());
        }
        if (!r.getId().isEmpty()) {
            json.put("id", r.getId());
        }
        if (r.getParametersCount() > 0) {
            json.set("parameters", parameters(r.getParametersMap()));
        }
        ArrayNode outputs = json.putArray("outputs");
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        for (int i = 0; i < r.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor t = r.getOutputs(i);
            ObjectNode o = outputs.addObject();
            o.put("name", t.getName());
            o.put("datatype", t.getDatatype());
            ArrayNode shape = o.putArray("shape");
            t.getShapeList().forEach(shape::add);
            ObjectNode params = t.getParametersCount() > 0 ? parameters(t.getParametersMap()) : Json.object();
            byte[] raw = i < r.getRawOutputContentsCount()
                    ? r.getRawOutputContents(i).toByteArray()
                    : TensorJson.raw(t.getDatatype(), t.getContents());
            // an output written into the client's shared memory has no data here: its parameters say where
            boolean shared = t.getParametersMap().containsKey(SHM_REGION);
            if (!shared && ask.wants(t.getName())) {
                params.put(BINARY_SIZE, raw.length);
                binary.writeBytes(raw);
            } else if (!shared) {
                o.set("data", TensorJson.data(t.getDatatype(), raw));
            }
            if (params.size() > 0) {
                o.set("parameters", params);
            }
        }
        return new Reply(Json.write(json).getBytes(StandardCharsets.UTF_8), binary.toByteArray());
    }

    private static String text(JsonNode node, String key, String field) {
        JsonNode v = node == null ? null : node.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + "." + key + ": a string is required");
        }
        return v.asText();
    }

    /** JSON parameters as InferParameters, leaving out the HTTP-only keys in {@code skip}. */
    static void parameters(
            JsonNode node, String field, Set<String> skip, java.util.function.BiConsumer<String, InferParameter> put) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(field + ": an object is required");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (skip.contains(e.getKey())) {
                continue;
            }
            JsonNode v = e.getValue();
            InferParameter.Builder p = InferParameter.newBuilder();
            if (v.isBoolean()) {
                p.setBoolParam(v.asBoolean());
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                p.setInt64Param(v.asLong());
            } else if (v.isNumber()) {
                p.setDoubleParam(v.asDouble());
            } else if (v.isTextual()) {
                p.setStringParam(v.asText());
            } else {
                throw new IllegalArgumentException(
                        field + "." + e.getKey() + ": a boolean, number or string is required");
            }
            put.accept(e.getKey(), p.build());
        }
    }

    static ObjectNode parameters(Map<String, InferParameter> map) {
        ObjectNode o = Json.object();
        map.forEach((k, p) -> {
            switch (p.getParameterChoiceCase()) {
                case BOOL_PARAM -> o.put(k, p.getBoolParam());
                case INT64_PARAM -> o.put(k, p.getInt64Param());
                case DOUBLE_PARAM -> o.put(k, p.getDoubleParam());
                case UINT64_PARAM -> o.put(k, p.getUint64Param());
                default -> o.put(k, p.getStringParam());
            }
        });
        return o;
    }
}
