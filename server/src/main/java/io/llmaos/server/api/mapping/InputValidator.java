package io.llmaos.server.api.mapping;

import io.llmaos.server.codec.TensorHeader;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.tensor.TensorSpec;
import io.llmaos.server.model.engine.ModelSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the inputs of a request against the model's declared inputs, before any contents are
 * decoded or memory allocated: unknown, duplicate or missing inputs, wrong datatype, rank or
 * dimensions, empty, inconsistent or too large batches, and element counts over the limit.
 */
final class InputValidator {

    private InputValidator() {}

    static void validate(List<TensorHeader> headers, ModelSpec spec, long maxElements, List<FieldViolation> v) {
        Map<String, TensorSpec> declared = new HashMap<>();
        spec.inputs().forEach(t -> declared.put(t.name(), t));
        Set<String> seen = new HashSet<>();
        long batch = -1;
        for (TensorHeader h : headers) {
            if (!seen.add(h.name())) {
                v.add(new FieldViolation(h.field() + ".name", "input '" + Echo.cut(h.name()) + "' is given twice"));
                continue;
            }
            if (!shapeUsable(h, maxElements, v)) {
                continue;
            }
            if (declared.isEmpty()) {
                continue;
            }
            TensorSpec d = declared.get(h.name());
            if (d == null) {
                v.add(new FieldViolation(
                        h.field() + ".name",
                        "unknown input '" + Echo.cut(h.name()) + "'; the model takes " + Echo.list(declared.keySet())));
                continue;
            }
            if (h.type() != null && h.type() != d.type()) {
                v.add(new FieldViolation(
                        h.field() + ".datatype", "is " + h.type() + " but input '" + h.name() + "' is " + d.type()));
            }
            long[] expected = d.shapeWithBatch(spec.batched());
            long[] shape = h.shape();
            if (shape.length != expected.length) {
                v.add(new FieldViolation(
                        h.field() + ".shape",
                        "has rank " + shape.length + " but input '" + h.name() + "' needs rank " + expected.length + " "
                                + Arrays.toString(expected)));
                continue;
            }
            for (int i = 0; i < shape.length; i++) {
                if (expected[i] >= 0 && shape[i] != expected[i]) {
                    v.add(new FieldViolation(
                            h.field() + ".shape[" + i + "]",
                            "is " + shape[i] + " but input '" + h.name() + "' needs " + expected[i] + " "
                                    + Arrays.toString(expected)));
                }
            }
            if (spec.batched()) {
                if (shape[0] < 1) {
                    v.add(new FieldViolation(h.field() + ".shape[0]", "the batch must hold at least 1 row"));
                }
                if (shape[0] > spec.maxBatchSize()) {
                    v.add(new FieldViolation(
                            h.field() + ".shape[0]",
                            "batch of " + shape[0] + " exceeds the model's max_batch_size " + spec.maxBatchSize()));
                }
                if (batch >= 0 && shape[0] != batch) {
                    v.add(new FieldViolation(
                            h.field() + ".shape[0]",
                            "batch of " + shape[0] + " differs from the other inputs' " + batch));
                }
                batch = shape[0];
            }
        }
        for (String name : declared.keySet()) {
            if (!seen.contains(name)) {
                v.add(new FieldViolation("inputs", "missing input '" + name + "'"));
            }
        }
    }

    /**
     * Dimensions non-negative, the element count within the limit, and at least one element: an
     * empty tensor is refused here rather than handed to an engine (native engines crash on them).
     */
    private static boolean shapeUsable(TensorHeader h, long maxElements, List<FieldViolation> v) {
        long count = 1;
        for (int i = 0; i < h.shape().length; i++) {
            long d = h.shape()[i];
            if (d < 0) {
                v.add(new FieldViolation(
                        h.field() + ".shape[" + i + "]", "is " + d + "; dimensions must be at least 1"));
                return false;
            }
            if (d > 0 && count > maxElements / d) {
                count = Long.MAX_VALUE;
                break;
            }
            count *= d;
        }
        if (count == 0 && h.shape().length > 0) {
            v.add(new FieldViolation(
                    h.field() + ".shape",
                    Arrays.toString(h.shape()) + " holds no elements; every dimension must be at least 1"));
            return false;
        }
        if (count > maxElements) {
            v.add(new FieldViolation(
                    h.field() + ".shape",
                    Arrays.toString(h.shape()) + " has more than " + maxElements
                            + " elements, the limit of one input"));
            return false;
        }
        return true;
    }
}
