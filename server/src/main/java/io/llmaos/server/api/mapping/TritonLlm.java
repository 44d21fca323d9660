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
            OipInput in = new OipInput(r, i);
            switch (in.name()) {
                case TEXT_INPUT -> prompt = in.text(maxPromptBytes);
                case "max_tokens" -> s.maxTokens = in.integer();
                case "stream" -> stream = in.bool();
                case "exclude_input_in_output" -> in.bool(); // the text never holds the prompt
                case "sampling_parameters" -> s.json(in.text(64 * 1024), in.field());
                // TensorRT-LLM's optional inputs
                case "temperature" -> s.temperature = in.real();
                case "top_k" -> s.topK = in.integer();
                case "top_p" -> s.topP = in.real();
                case "random_seed" -> s.seed = in.integer();
                case "stop_words" -> in.texts(GenerateMapping.MAX_STOP_BYTES).forEach(w -> s.stop(w, in.field()));
                case "bad_words" -> {
                    if (in.texts(GenerateMapping.MAX_STOP_BYTES).stream().anyMatch(w -> !w.isEmpty())) {
                        throw new InvalidInputException(in.field(), "bad_words are not supported");
                    }
                }
                case "beam_width" -> {
                    if (in.integer() != 1) {
                        throw new InvalidInputException(in.field(), "only beam_width 1 is supported");
                    }
                }
                default ->
                    throw new InvalidInputException(
                            in.field() + ".name",
                            "is not an input of a GENERATIVE model (text_input, max_tokens, stream,"
                                    + " sampling_parameters, exclude_input_in_output, temperature, top_k, top_p,"
                                    + " random_seed, stop_words, bad_words, beam_width)");
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
        return response(model, version, id, text, last, queueNanos, -1, -1);
    }

    /**
     * A response of the convention; the last one of a generation also carries its token counts as the
     * parameters "prompt_tokens" and "generated_tokens" (given as -1 for none).
     */
    public static ModelInferResponse response(
            String model,
            long version,
            String id,
            String text,
            Boolean last,
            long queueNanos,
            long promptTokens,
            long generatedTokens) {
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
        if (promptTokens >= 0) {
            b.putParameters(
                    "prompt_tokens",
                    InferParameter.newBuilder().setInt64Param(promptTokens).build());
            b.putParameters(
                    "generated_tokens",
                    InferParameter.newBuilder().setInt64Param(generatedTokens).build());
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
                    ignoreEos,
                    0);
        }

        private static int bounded(long v, String field) {
            if (v < 0) {
                throw new InvalidInputException(field, "must not be negative");
            }
            return (int) Math.min(Integer.MAX_VALUE, v);
        }
    }
}
