package io.llmaos.server.api.mapping;

import io.llmaos.server.codec.InputLimits;
import io.llmaos.server.codec.TensorHeader;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The steps every inference contract shares: validate all input headers against the model, then
 * decode the contents, then pick the outputs the client asked for. All problems are reported
 * together as one INVALID_ARGUMENT.
 */
final class RequestTensors {
    private RequestTensors() {}

    /**
     * @param decoder decodes input {@code i} given its validated header, adding any problems found
     */
    static List<Tensor> decode(
            List<TensorHeader> headers,
            List<FieldViolation> violations,
            ModelSpec spec,
            InputLimits limits,
            BiFunction<Integer, TensorHeader, Tensor> decoder) {
        InputValidator.validate(headers, spec, limits.maxElements(), violations);
        throwIfAny(violations);
        List<Tensor> inputs = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            inputs.add(decoder.apply(i, headers.get(i)));
        }
        throwIfAny(violations);
        return inputs;
    }

    /** The outputs named in {@code requested}, in that order (all of them when it is empty). */
    static List<Tensor> select(List<Tensor> produced, List<String> requested) {
        if (requested.isEmpty()) {
            return produced;
        }
        List<Tensor> selected = new ArrayList<>(requested.size());
        List<FieldViolation> violations = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i);
            Tensor found = produced.stream()
                    .filter(t -> t.name().equals(name))
                    .findFirst()
                    .orElse(null);
            if (found == null) {
                violations.add(new FieldViolation(
                        "outputs[" + i + "].name",
                        "unknown output '"
                                + io.llmaos.server.core.error.Echo.cut(name) + "'; the model produces "
                                + io.llmaos.server.core.error.Echo.list(
                                        produced.stream().map(Tensor::name).toList())));
            } else {
                selected.add(found);
            }
        }
        throwIfAny(violations);
        return selected;
    }

    static void throwIfAny(List<FieldViolation> violations) {
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
    }
}
