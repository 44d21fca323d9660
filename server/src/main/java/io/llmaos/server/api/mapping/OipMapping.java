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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /** The request's inputs, validated against {@code spec} and decoded (no shared memory). */
    public static List<Tensor> inputs(ModelInferRequest request, ModelSpec spec, InputLimits limits) {
        return inputs(request, spec, limits, SharedMemory.NONE);
    }

    /**
     * The request's inputs, validated against {@code spec} and decoded; an input naming a region of
     * {@code shm} is read from it, and raw_input_contents holds one entry per other input, in order.
     */
    public static List<Tensor> inputs(ModelInferRequest request, ModelSpec spec, InputLimits limits, SharedMemory shm) {
        List<FieldViolation> violations = new ArrayList<>();
        int n = request.getInputsCount();
        ShmRef[] shared = new ShmRef[n];
        int[] rawIndex = new int[n];
        int direct = 0;
        for (int i = 0; i < n; i++) {
            var params = request.getInputs(i).getParametersMap();
            shared[i] = params.isEmpty() ? null : ShmRef.of(params, "inputs[" + i + "]");
            rawIndex[i] = shared[i] == null ? direct++ : -1;
        }
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != direct) {
            violations.add(new FieldViolation(
                    "raw_input_contents",
                    "has " + request.getRawInputContentsCount() + " entries for " + direct
                            + " inputs (one per input not in shared memory)"));
        }
        List<TensorHeader> headers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ModelInferRequest.InferInputTensor in = request.getInputs(i);
            String field = "inputs[" + i + "]";
            DataType type = DataType.fromOipName(in.getDatatype()).orElse(null);
            if (type == null) {
                violations.add(new FieldViolation(
                        field + ".datatype",
                        "unknown datatype '" + Echo.cut(in.getDatatype())
                                + "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32, FP64, BYTES)"));
            }
            if ((raw || shared[i] != null) && in.hasContents()) {
                violations.add(new FieldViolation(
                        field + ".contents", "must be empty when raw_input_contents or shared memory is used"));
            }
            headers.add(new TensorHeader(
                    field,
                    in.getName(),
                    type,
                    in.getShapeList().stream().mapToLong(Long::longValue).toArray()));
        }
        return RequestTensors.decode(headers, violations, spec, limits, (i, h) -> {
            if (shared[i] != null) {
                ShmRef r = shared[i];
                ByteString bytes = ByteString.copyFrom(shm.range(r.region(), r.offset(), r.byteSize(), h.field()));
                return TensorCodec.decodeRaw(h, bytes, limits, violations);
            }
            return raw
                    ? TensorCodec.decodeRaw(h, request.getRawInputContents(rawIndex[i]), limits, violations)
                    : TensorCodec.decodeTyped(h, contents(request.getInputs(i).getContents()), limits, violations);
        });
    }

    /** Where each requested output goes in shared memory, by name; INVALID_ARGUMENT for a bad reference. */
    public static Map<String, ShmRef> sharedOutputs(ModelInferRequest request) {
        Map<String, ShmRef> refs = new java.util.HashMap<>();
        for (int i = 0; i < request.getOutputsCount(); i++) {
            var out = request.getOutputs(i);
            if (!out.getParametersMap().isEmpty()) {
                ShmRef r = ShmRef.of(out.getParametersMap(), "outputs[" + i + "]");
                if (r != null) {
                    refs.put(out.getName(), r);
                }
            }
        }
        return refs;
    }

    /**
     * The "priority" parameter (1 = highest), or 0 for the model's default. A level the model does not
     * have runs at its default level (Triton's rule; the scheduler clamps and counts it).
     */
    public static int priority(ModelInferRequest request) {
        InferParameter p = request.getParametersMap().get("priority");
        if (p == null) {
            return 0;
        }
        long value = Parameters.integer(p, "parameters[priority]");
        // a uint64 beyond the range of a long reads as negative: beyond every level as well
        return value < 0 || value > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }

    /** The "timeout" parameter (microseconds), if any. */
    public static Duration timeout(ModelInferRequest request) {
        InferParameter p = request.getParametersMap().get("timeout");
        if (p == null) {
            return null;
        }
        long micros = Parameters.integer(p, "parameters[timeout]");
        // a uint64 beyond the range of a long reads as negative: it means "longer than any deadline"
        return Timeouts.ofMicros(micros < 0 && p.hasUint64Param() ? Long.MAX_VALUE : micros, "parameters[timeout]");
    }

    /**
     * The response, with the requested outputs as raw contents and the timing as parameters; the
     * outputs in {@code classes} (name to class count) as Triton's classification strings.
     */
    public static ModelInferResponse response(
            ModelInferRequest request, InferenceResult result, ModelSpec spec, Map<String, Integer> classes) {
        return response(request, result, spec, classes, Map.of(), SharedMemory.NONE);
    }

    /** As above, writing the outputs in {@code shared} into their regions of {@code shm}. */
    public static ModelInferResponse response(
            ModelInferRequest request,
            InferenceResult result,
            ModelSpec spec,
            Map<String, Integer> classes,
            Map<String, ShmRef> shared,
            SharedMemory shm) {
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
        List<String> labels =
                spec.classifier() == null ? List.of() : spec.classifier().labels();
        for (Tensor selected : RequestTensors.select(result.outputs(), names)) {
            Integer k = classes.get(selected.name());
            Tensor t = k == null
                    ? selected
                    : Classification.classify(
                            selected,
                            k,
                            spec.batched(),
                            result.outputs().indexOf(selected) == 0 ? labels : List.of(),
                            "outputs[" + names.indexOf(selected.name()) + "]");
            ModelInferResponse.InferOutputTensor.Builder out = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(t.name())
                    .setDatatype(t.type().name());
            for (long d : t.shape()) {
                out.addShape(d);
            }
            ByteString bytes = TensorCodec.encodeRaw(t);
            ShmRef ref = shared.get(t.name());
            if (ref != null) {
                String field = "outputs[" + names.indexOf(t.name()) + "]";
                ByteBuffer into = shm.range(ref.region(), ref.offset(), ref.byteSize(), field);
                if (bytes.size() > into.remaining()) {
                    throw new InvalidInputException(
                            field,
                            "output '" + t.name() + "' is " + bytes.size() + " bytes; its shared-memory range holds "
                                    + into.remaining());
                }
                if (into.isReadOnly()) {
                    throw new io.llmaos.server.core.error.LlmaosException(
                            io.llmaos.server.core.error.ErrorCode.FAILED_PRECONDITION,
                            "shared-memory region '" + ref.region() + "' is read-only to the server");
                }
                bytes.copyTo(into);
                out.putAllParameters(ref.parameters(bytes.size()));
                // an empty entry keeps raw_output_contents aligned with outputs, as clients index it
                bytes = ByteString.EMPTY;
            }
            b.addOutputs(out);
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
