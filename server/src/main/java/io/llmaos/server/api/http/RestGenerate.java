package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.InferTensorContents;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Triton's generate extension ({@code POST /v2/models/M/generate} and {@code generate_stream}): the
 * request's keys are the model's inputs ({@code text_input}, {@code max_tokens}, ...; a string is
 * BYTES, a boolean BOOL, a whole number INT64, another number FP64) and {@code parameters} its
 * parameters (sampling: {@code temperature}, {@code top_k}, {@code top_p}, {@code seed}, {@code stop},
 * {@code ignore_eos}), the same request as Triton's LLM convention over {@code ModelInfer} and
 * {@code ModelStreamInfer}; each response is {@code {"model_name", "model_version", "text_output"}}, the
 * last one of a generation also with {@code "usage": {"prompt_tokens", "generated_tokens"}}.
 */
final class RestGenerate {
    private RestGenerate() {}

    /** The request {@code body} means for {@code model}; {@code stream} for generate_stream. */
    static ModelInferRequest request(String model, String version, byte[] body, boolean stream) {
        JsonNode json = Json.parse(body, body.length);
        if (!json.isObject()) {
            throw new IllegalArgumentException("a generate request is a JSON object");
        }
        ModelInferRequest.Builder b =
                ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version);
        boolean streamGiven = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            switch (key) {
                case "id" -> b.setId(v.asText());
                case "parameters" -> RestInfer.parameters(v, "parameters", java.util.Set.of(), b::putParameters);
                default -> {
                    if (key.equals("stream")) {
                        streamGiven = true;
                    }
                    b.addInputs(input(key, v));
                }
            }
        }
        if (stream && !streamGiven) {
            b.addInputs(input("stream", com.fasterxml.jackson.databind.node.BooleanNode.TRUE));
        }
        return b.build();
    }

    private static ModelInferRequest.InferInputTensor input(String name, JsonNode v) {
        ModelInferRequest.InferInputTensor.Builder t =
                ModelInferRequest.InferInputTensor.newBuilder().setName(name).addShape(1);
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        if (v.isTextual()) {
            t.setDatatype("BYTES");
            c.addBytesContents(ByteString.copyFromUtf8(v.asText()));
        } else if (v.isBoolean()) {
            t.setDatatype("BOOL");
            c.addBoolContents(v.asBoolean());
        } else if (v.isIntegralNumber() && v.canConvertToLong()) {
            t.setDatatype("INT64");
            c.addInt64Contents(v.asLong());
        } else if (v.isNumber()) {
            t.setDatatype("FP64");
            c.addFp64Contents(v.asDouble());
        } else {
            throw new IllegalArgumentException(name + ": a string, boolean or number is required");
        }
        return t.setContents(c).build();
    }

    /** One response as the extension writes it. */
    static String response(ModelInferResponse r) {
        ObjectNode o = Json.object().put("model_name", r.getModelName()).put("model_version", r.getModelVersion());
        if (!r.getId().isEmpty()) {
            o.put("id", r.getId());
        }
        for (int i = 0; i < r.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor t = r.getOutputs(i);
            if (i < r.getRawOutputContentsCount() && t.getDatatype().equals("BYTES")) {
                ByteBuffer raw =
                        r.getRawOutputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                StringBuilder text = new StringBuilder();
                while (raw.remaining() >= 4) {
                    byte[] s = new byte[raw.getInt()];
                    raw.get(s);
                    text.append(new String(s, StandardCharsets.UTF_8));
                }
                o.put(t.getName(), text.toString());
            }
        }
        Map<String, InferParameter> p = r.getParametersMap();
        if (p.containsKey("prompt_tokens")) {
            o.putObject("usage")
                    .put("prompt_tokens", p.get("prompt_tokens").getInt64Param())
                    .put("generated_tokens", p.get("generated_tokens").getInt64Param());
        }
        return Json.write(o);
    }
}
