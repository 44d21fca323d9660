package io.llmaos.server.api.mapping;

import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.ClassifierSpec;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.ServingKind;
import java.util.List;
import java.util.Map;

/**
 * The free-form {@code parameters} of an InferRequest. A CLASSIFIER reads {@value #TOP_K}: how many
 * labels to return per row, from 1 up to the model's classifier.top_k. Every other key, or a value
 * that is not a whole number in range, is INVALID_ARGUMENT: a typo is reported, not ignored.
 */
public final class RequestParameters {
    /** The classifier's per-request label count. */
    public static final String TOP_K = "top_k";

    private RequestParameters() {}

    /** Checks {@code parameters} against what {@code spec} reads. */
    public static void validate(Map<String, String> parameters, ModelSpec spec) {
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            String field = "parameters[" + Echo.cut(p.getKey()) + "]";
            if (!p.getKey().equals(TOP_K) || spec.kind() != ServingKind.CLASSIFIER) {
                throw new InvalidInputException(
                        field,
                        "unknown parameter; model '" + spec.ref().name() + "' reads "
                                + (spec.kind() == ServingKind.CLASSIFIER ? "only '" + TOP_K + "'" : "none"));
            }
            int max = spec.classifier().topK();
            long k;
            try {
                k = Long.parseLong(p.getValue().strip());
            } catch (NumberFormatException e) {
                k = -1;
            }
            if (k < 1 || k > max) {
                throw new InvalidInputException(
                        field,
                        "must be a whole number from 1 to " + max + " (the model's classifier.top_k), got '"
                                + Echo.cut(p.getValue()) + "'");
            }
        }
    }

    /**
     * {@code outputs} with the labels output cut to the request's {@value #TOP_K} (the request was
     * validated, so the value parses); unchanged when it sets none.
     */
    static List<Tensor> apply(Map<String, String> parameters, List<Tensor> outputs) {
        String value = parameters.get(TOP_K);
        if (value == null) {
            return outputs;
        }
        int k = Integer.parseInt(value.strip());
        return outputs.stream()
                .map(t -> t.name().equals(ClassifierSpec.LABELS_OUTPUT) ? firstLabels(t, k) : t)
                .toList();
    }

    private static Tensor firstLabels(Tensor labels, int k) {
        long[] shape = labels.shape();
        int have = (int) shape[shape.length - 1];
        if (k >= have) {
            return labels;
        }
        int rows = have == 0 ? 0 : labels.strings().size() / have;
        List<byte[]> kept = new java.util.ArrayList<>(rows * k);
        for (int r = 0; r < rows; r++) {
            kept.addAll(labels.strings().subList(r * have, r * have + k));
        }
        long[] cut = shape.clone();
        cut[cut.length - 1] = k;
        return Tensor.ofStrings(labels.name(), cut, kept);
    }
}
