package io.llmaos.server.api.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.proto.v1.DataType;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.request.SamplingParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Triton's convention for language models over ModelInfer and ModelStreamInfer (as its vLLM and
 * TensorRT-LLM backends take it, and genai-perf sends it): the prompt in input "text_input" (BYTES),
 * optional inputs "max_tokens", "stream" and "sampling_parameters" (JSON), sampling as request
 * parameters, and the text in output "text_output" (BYTES); streamed responses flag the last with
 * the parameter "triton_final_response".
 */
public final class TritonLlm {
    public static final String TEXT_INPUT = "text_input";
    public static final String TEXT_OUTPUT = "text_output";
    public static final String FINAL_RESPONSE = "triton_final_response";

    /** A tensor of the convention, as metadata and configuration advertise it. */
    public record LlmTensor(String name, DataType datatype, List<Long> shape, boolean optional) {}

    /** What a request asks: its prompt, its sampling, and whether to stream. */
    public record LlmRequest(String prompt, SamplingParams sampling, boolean stream) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private TritonLlm() {}

    public static List<LlmTensor> inputs() {
        return List.of(
                new LlmTensor(TEXT_INPUT, DataType.BYTES, List.of(1L), false),
                new LlmTensor("max_tokens", DataType.INT32, List.of(1L), true),
                new LlmTensor("stream", DataType.BOOL, List.of(1L), true),
                new LlmTensor("sampling_parameters", DataType.BYTES, List.of(1L), true),
                new LlmTensor("exclude_input_in_output", DataType.BOOL, List.of(1L), true));
    }

    public static List<LlmTensor> outputs() {
        return List.of(new LlmTensor(TEXT_OUTPUT, DataType.BYTES, List.of(-1L), false));
    }

    /** Reads a request of the convention; INVALID_ARGUMENT for anything else. */
    public static LlmRequest read(ModelInferRequest r, int maxPromptBytes) {
        Sampling s = new Sampling();
        String prompt = null;
        boolean stream = false;
        boolean raw = r.getRawInputContentsCount() > 0;
        if (raw && r.getRawInputContentsCount() != r.getInputsCount()) {
            throw new InvalidInputException(
                    "raw_input_contents",
                    "has " + r.getRawInputContentsCount() + " entries for " + r.getInputsCount() + " inputs");
        }
        for (int i = 0; i < r.getInputsCount(); i++) {
            OipScalar in = new OipScalar(r, i);
            switch (in.name()) {
                case TEXT_INPUT -> prompt = in.text(maxPromptBytes);
                case "max_tokens" -> s.maxTokens = in.integer();
                case "stream" -> stream = in.bool();
                case "exclude_input_in_output" -> in.bool(); // the text never holds the prompt
                case "sampling_parameters" -> s.json(in.text(64 * 1024), in.field());
                default ->
                    throw new InvalidInputException(
                            in.field() + ".name",
                            "is not an input of a GENERATIVE model (text_input, max_tokens, stream,"
                                    + " sampling_parameters, exclude_input_in_output)");
            }
        }
        if (prompt == null) {
            throw new InvalidInputException("inputs", "need '" + TEXT_INPUT + "' (BYTES, one element: the prompt)");
        }
        for (Map.Entry<String, InferParameter> p : r.getParametersMap().entrySet()) {
            String field = "parameters[" + p.getKey() + "]";
            InferParameter v = p.getValue();
            switch (p.getKey()) {
                case "max_tokens" -> s.maxTokens = Parameters.integer(v, field);
                case "temperature" -> s.temperature = Parameters.real(v, field);
                case "top_k" -> s.topK = Parameters.integer(v, field);
                case "top_p" -> s.topP = Parameters.real(v, field);
                case "seed", "random_seed" -> s.seed = Parameters.integer(v, field);
                case "stop" -> s.stop(v.getStringParam(), field);
                case "ignore_eos" -> s.ignoreEos = v.getBoolParam();
                case "stream" -> stream = v.getBoolParam();
                default -> {
                    // other parameters (priority, timeout, Triton's own) are not sampling parameters
                }
            }
        }
        return new LlmRequest(prompt, s.params(), stream);
    }

    /** A response carrying {@code text} in "text_output"; {@code last} is set on streamed responses. */
    public static ModelInferResponse response(
            String model, long version, String id, String text, Boolean last, long queueNanos) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer raw = ByteBuffer.allocate(4 + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.putInt(bytes.length).put(bytes).flip();
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
                .setModelName(model)
                .setModelVersion(String.valueOf(version))
                .setId(id)
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                        .setName(TEXT_OUTPUT)
                        .setDatatype("BYTES")
                        .addShape(1))
                .addRawOutputContents(ByteString.copyFrom(raw));
        if (last != null) {
            b.putParameters(
                    FINAL_RESPONSE,
                    InferParameter.newBuilder().setBoolParam(last).build());
        }
        if (queueNanos >= 0) {
            b.putParameters(
                    "queue_time_us",
                    InferParameter.newBuilder().setInt64Param(queueNanos / 1000).build());
        }
        return b.build();
    }

    /** The sampling a request sets, gathered from its inputs and parameters. */
    private static final class Sampling {
        Long maxTokens;
        Double temperature;
        Long topK;
        Double topP;
        Long seed;
        final List<String> stop = new ArrayList<>();
        boolean ignoreEos;

        void stop(String value, String field) {
            if (value.getBytes(StandardCharsets.UTF_8).length > GenerateMapping.MAX_STOP_BYTES
                    || stop.size() >= GenerateMapping.MAX_STOP_SEQUENCES) {
                throw new InvalidInputException(
                        field,
                        "at most " + GenerateMapping.MAX_STOP_SEQUENCES + " stop sequences of "
                                + GenerateMapping.MAX_STOP_BYTES + " bytes are taken");
            }
            if (!value.isEmpty()) {
                stop.add(value);
            }
        }

        /** vLLM's "sampling_parameters": a JSON object of sampling fields. */
        void json(String text, String field) {
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new InvalidInputException(field, "is not a JSON object of sampling parameters");
            }
            if (node == null || !node.isObject()) {
                throw new InvalidInputException(field, "is not a JSON object of sampling parameters");
            }
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                String f = field + "." + e.getKey();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "max_tokens" -> maxTokens = number(v, f).longValue();
                    case "temperature" -> temperature = number(v, f).doubleValue();
                    case "top_k" -> topK = number(v, f).longValue();
                    case "top_p" -> topP = number(v, f).doubleValue();
                    case "seed" -> seed = number(v, f).longValue();
                    case "ignore_eos" -> ignoreEos = v.asBoolean();
                    case "stop" -> {
                        if (v.isArray()) {
                            v.forEach(x -> stop(x.asText(), f));
                        } else {
                            stop(v.asText(), f);
                        }
                    }
                    default ->
                        throw new InvalidInputException(
                                f,
                                "is not a sampling parameter LLMA OS supports (max_tokens, temperature, top_k,"
                                        + " top_p, seed, stop, ignore_eos)");
                }
            }
        }

        private static Number number(JsonNode v, String field) {
            if (!v.isNumber()) {
                throw new InvalidInputException(field, "must be a number");
            }
            return v.numberValue();
        }

        SamplingParams params() {
            return new SamplingParams(
                    maxTokens == null ? null : bounded(maxTokens, "max_tokens"),
                    temperature == null ? null : temperature.floatValue(),
                    topK == null ? null : bounded(topK, "top_k"),
                    topP == null ? null : topP.floatValue(),
                    seed,
                    stop,
                    ignoreEos);
        }

        private static int bounded(long v, String field) {
            if (v < 0) {
                throw new InvalidInputException(field, "must not be negative");
            }
            return (int) Math.min(Integer.MAX_VALUE, v);
        }
    }

    /** One input of a request read as a single value. */
    private record OipScalar(ModelInferRequest r, int i) {
        String name() {
            return r.getInputs(i).getName();
        }

        String field() {
            return "inputs[" + i + "]";
        }

        private ModelInferRequest.InferInputTensor in() {
            return r.getInputs(i);
        }

        private ByteBuffer raw() {
            return r.getRawInputContentsCount() == 0
                    ? null
                    : r.getRawInputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }

        private void requireOne(String... types) {
            if (!List.of(types).contains(in().getDatatype())) {
                throw new InvalidInputException(field() + ".datatype", "must be one of " + List.of(types));
            }
            long n = 1;
            for (long d : in().getShapeList()) {
                n *= d;
            }
            if (n != 1) {
                throw new InvalidInputException(field() + ".shape", "must hold exactly one element");
            }
        }

        String text(int maxBytes) {
            requireOne("BYTES");
            byte[] bytes;
            ByteBuffer raw = raw();
            if (raw != null) {
                if (raw.remaining() < 4 || raw.getInt(0) < 0 || raw.getInt(0) != raw.remaining() - 4) {
                    throw new InvalidInputException(
                            "raw_input_contents[" + i + "]", "is not one length-prefixed BYTES element");
                }
                bytes = new byte[raw.remaining() - 4];
                raw.position(4);
                raw.get(bytes);
            } else if (in().getContents().getBytesContentsCount() == 1) {
                bytes = in().getContents().getBytesContents(0).toByteArray();
            } else {
                throw new InvalidInputException(field() + ".contents", "must hold one bytes_contents element");
            }
            if (bytes.length > maxBytes) {
                throw new InvalidInputException(
                        field(),
                        "is " + bytes.length + " bytes; the server takes at most " + maxBytes
                                + " bytes (--max-prompt-bytes)");
            }
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new InvalidInputException(field(), "is not valid UTF-8");
            }
        }

        long integer() {
            requireOne("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");
            String type = in().getDatatype();
            ByteBuffer raw = raw();
            var c = in().getContents();
            if (raw != null) {
                int size = io.llmaos.server.core.tensor.DataType.valueOf(type).byteSize();
                if (raw.remaining() != size) {
                    throw new InvalidInputException("raw_input_contents[" + i + "]", "must hold one " + type);
                }
                return switch (size) {
                    case 1 -> type.startsWith("U") ? raw.get(0) & 0xff : raw.get(0);
                    case 2 -> type.startsWith("U") ? raw.getShort(0) & 0xffff : raw.getShort(0);
                    case 4 -> type.startsWith("U") ? raw.getInt(0) & 0xffffffffL : raw.getInt(0);
                    default -> raw.getLong(0);
                };
            }
            if (c.getIntContentsCount() == 1) {
                return c.getIntContents(0);
            }
            if (c.getInt64ContentsCount() == 1) {
                return c.getInt64Contents(0);
            }
            if (c.getUintContentsCount() == 1) {
                return c.getUintContents(0) & 0xffffffffL;
            }
            if (c.getUint64ContentsCount() == 1) {
                return c.getUint64Contents(0);
            }
            throw new InvalidInputException(field() + ".contents", "must hold one integer");
        }

        boolean bool() {
            requireOne("BOOL");
            ByteBuffer raw = raw();
            if (raw != null) {
                if (raw.remaining() != 1) {
                    throw new InvalidInputException("raw_input_contents[" + i + "]", "must hold one BOOL");
                }
                return raw.get(0) != 0;
            }
            if (in().getContents().getBoolContentsCount() != 1) {
                throw new InvalidInputException(field() + ".contents", "must hold one bool_contents element");
            }
            return in().getContents().getBoolContents(0);
        }
    }
}
