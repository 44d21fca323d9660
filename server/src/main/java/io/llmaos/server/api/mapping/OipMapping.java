package io.llmaos.server.api.mapping;

import com.google.protobuf.ByteString;
import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.server.codec.ContentsView;
import io.llmaos.server.codec.InputLimits;
import io.llmaos.server.codec.TensorCodec;
import io.llmaos.server.codec.TensorHeader;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.tensor.DataType;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Open Inference Protocol ModelInfer to core tensors and back. Outputs always travel as
 * raw_output_contents, as Triton sends them, which every v2 client reads.
 */
public final class OipMapping {
    private OipMapping() {}

    /** The model version a request names ("" = the version policy's choice). */
    public static long version(String version, String field) {
        if (version.isEmpty()) {
            return 0;
        }
        try {
            long v = Long.parseLong(version);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(
                field, "'" + Echo.cut(version) + "' is not a version number (a positive integer)");
    }

    /** The request's inputs, validated against {@code spec} and decoded. */
    public static List<Tensor> inputs(ModelInferRequest request, ModelSpec spec, InputLimits limits) {
        List<FieldViolation> violations = new ArrayList<>();
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
            violations.add(new FieldViolation(
                    "raw_input_contents",
                    "has " + request.getRawInputContentsCount() + " entries for " + request.getInputsCount()
                            + " inputs"));
        }
        List<TensorHeader> headers = new ArrayList<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor in = request.getInputs(i);
            String field = "inputs[" + i + "]";
            DataType type = DataType.fromOipName(in.getDatatype()).orElse(null);
            if (type == null) {
                violations.add(new FieldViolation(
                        field + ".datatype",
                        "unknown datatype '" + Echo.cut(in.getDatatype())
                                + "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32, FP64, BYTES)"));
            }
            if (raw && in.hasContents()) {
                violations.add(
                        new FieldViolation(field + ".contents", "must be empty when raw_input_contents is used"));
            }
            headers.add(new TensorHeader(
                    field,
                    in.getName(),
                    type,
                    in.getShapeList().stream().mapToLong(Long::longValue).toArray()));
        }
        return RequestTensors.decode(
                headers,
                violations,
                spec,
                limits,
                (i, h) -> raw
                        ? TensorCodec.decodeRaw(h, request.getRawInputContents(i), limits, violations)
                        : TensorCodec.decodeTyped(
                                h, contents(request.getInputs(i).getContents()), limits, violations));
    }

    /** The "priority" parameter (1 = highest), or 0 for the model's default. */
    public static int priority(ModelInferRequest request) {
        InferParameter p = request.getParametersMap().get("priority");
        if (p == null) {
            return 0;
        }
        long value = integer(p, "parameters[priority]");
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new InvalidInputException(
                    "parameters[priority]", "must be a level number, 1 = highest (0 = default)");
        }
        return (int) value;
    }

    /** The "timeout" parameter (microseconds), if any. */
    public static Duration timeout(ModelInferRequest request) {
        InferParameter p = request.getParametersMap().get("timeout");
        if (p == null) {
            return null;
        }
        long micros = integer(p, "parameters[timeout]");
        // a uint64 beyond the range of a long reads as negative: it means "longer than any deadline"
        return Timeouts.ofMicros(micros < 0 && p.hasUint64Param() ? Long.MAX_VALUE : micros, "parameters[timeout]");
    }

    /** An integer parameter (int64_param or uint64_param, as Triton's clients send them). */
    private static long integer(InferParameter p, String field) {
        return switch (p.getParameterChoiceCase()) {
            case INT64_PARAM -> p.getInt64Param();
            case UINT64_PARAM -> p.getUint64Param();
            default ->
                throw new InvalidInputException(
                        field,
                        "must be an integer (int64_param or uint64_param), not "
                                + p.getParameterChoiceCase().name().toLowerCase(java.util.Locale.ROOT));
        };
    }

    /** The response, with the requested outputs as raw contents and the timing as parameters. */
    public static ModelInferResponse response(ModelInferRequest request, InferenceResult result) {
        List<String> names = request.getOutputsList().stream()
                .map(ModelInferRequest.InferRequestedOutputTensor::getName)
                .toList();
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
                .setModelName(result.model().name())
                .setModelVersion(String.valueOf(result.model().version()))
                .setId(request.getId())
                .putParameters(
                        "queue_time_us",
                        InferParameter.newBuilder()
                                .setInt64Param(result.queueNanos() / 1000)
                                .build())
                .putParameters(
                        "compute_time_us",
                        InferParameter.newBuilder()
                                .setInt64Param(result.computeNanos() / 1000)
                                .build());
        for (Tensor t : RequestTensors.select(result.outputs(), names)) {
            ModelInferResponse.InferOutputTensor.Builder out = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(t.name())
                    .setDatatype(t.type().name());
            for (long d : t.shape()) {
                out.addShape(d);
            }
            b.addOutputs(out);
            ByteString bytes = TensorCodec.encodeRaw(t);
            b.addRawOutputContents(bytes);
        }
        return b.build();
    }

    /** The typed contents of an OIP tensor, for the shared decoder. */
    private static ContentsView contents(io.llmaos.proto.oip.InferTensorContents c) {
        return new ContentsView(
                c.getBoolContentsList(),
                c.getIntContentsList(),
                c.getInt64ContentsList(),
                c.getUintContentsList(),
                c.getUint64ContentsList(),
                c.getFp32ContentsList(),
                c.getFp64ContentsList(),
                c.getBytesContentsList());
    }
}
