package io.llmaos.server.api.mapping;

import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.RequestedOutput;
import io.llmaos.proto.v1.ServerTiming;
import io.llmaos.server.codec.InputLimits;
import io.llmaos.server.codec.TensorCodec;
import io.llmaos.server.codec.TensorHeader;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code llmaos.v1} InferRequest to core tensors, and the result back to an InferResponse. */
public final class InferMapping {
    private InferMapping() {}

    /** The request's inputs, validated against {@code spec} and decoded. */
    public static List<Tensor> inputs(InferRequest request, ModelSpec spec, InputLimits limits) {
        RequestParameters.validate(request.getParametersMap(), spec);
        List<FieldViolation> violations = new ArrayList<>();
        List<TensorHeader> headers = new ArrayList<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            headers.add(TensorCodec.header("inputs[" + i + "]", request.getInputs(i), violations));
        }
        return RequestTensors.decode(
                headers,
                violations,
                spec,
                limits,
                (i, h) -> TensorCodec.decode(h, request.getInputs(i), limits, violations));
    }

    /** The response: requested outputs (typed, or raw where asked) and the server-side timing. */
    public static InferResponse response(InferRequest request, InferenceResult result, long totalNanos) {
        List<String> names =
                request.getOutputsList().stream().map(RequestedOutput::getName).toList();
        Set<String> raw = request.getOutputsList().stream()
                .filter(RequestedOutput::getRaw)
                .map(RequestedOutput::getName)
                .collect(Collectors.toSet());
        InferResponse.Builder b = InferResponse.newBuilder()
                .setModelName(result.model().name())
                .setModelVersion(result.model().version())
                .setRequestId(request.getRequestId())
                .setTiming(timing(result, totalNanos));
        List<Tensor> outputs = RequestParameters.apply(request.getParametersMap(), result.outputs());
        for (Tensor t : RequestTensors.select(outputs, names)) {
            io.llmaos.proto.v1.Tensor.Builder out = io.llmaos.proto.v1.Tensor.newBuilder()
                    .setName(t.name())
                    .setDatatype(io.llmaos.proto.v1.DataType.valueOf(t.type().name()));
            for (long d : t.shape()) {
                out.addShape(d);
            }
            if (raw.contains(t.name())) {
                out.setRawContents(TensorCodec.encodeRaw(t));
            } else {
                out.setContents(TensorCodec.encodeTyped(t));
            }
            b.addOutputs(out);
        }
        return b.build();
    }

    static ServerTiming timing(InferenceResult result, long totalNanos) {
        return ServerTiming.newBuilder()
                .setQueueTimeUs(result.queueNanos() / 1000)
                .setComputeTimeUs(result.computeNanos() / 1000)
                .setTotalTimeUs(totalNanos / 1000)
                .setBatchSize(result.batchSize())
                .build();
    }
}
