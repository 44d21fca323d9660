package io.llmaos.server.api.mapping;

import io.llmaos.proto.oip.InferParameter;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.tensor.DataType;
import io.llmaos.server.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Triton's classification extension: an output requested with the parameter "classification" (or
 * "class_count") k comes back as BYTES "score:index" or, where the model has labels,
 * "score:index:label" strings: the k best entries of each row (of the whole output for a model
 * without a batch dimension), best first, the score printed with six decimals.
 */
public final class Classification {
    /** The most classes one output may ask for. */
    static final int MAX_CLASSES = 65_536;

    private Classification() {}

    /** The class count each requested output asks for, by name; INVALID_ARGUMENT for a bad one. */
    public static Map<String, Integer> counts(ModelInferRequest request) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < request.getOutputsCount(); i++) {
            var out = request.getOutputs(i);
            for (String key : List.of("classification", "class_count")) {
                InferParameter p = out.getParametersMap().get(key);
                if (p == null) {
                    continue;
                }
                String field = "outputs[" + i + "].parameters[" + key + "]";
                long k = Parameters.integer(p, field);
                if (k < 0 || k > MAX_CLASSES) {
                    throw new InvalidInputException(field, "must be a class count from 0 to " + MAX_CLASSES);
                }
                if (k > 0) {
                    counts.put(out.getName(), (int) k);
                }
            }
        }
        return counts;
    }

    /** {@code t} as its {@code k} best classes per row; {@code labels} name the indices (may be empty). */
    public static Tensor classify(Tensor t, int k, boolean batched, List<String> labels, String field) {
        if (!t.type().isFixedSize() || t.type() == DataType.BOOL) {
            throw new InvalidInputException(field, "classification needs a numeric output, not " + t.type());
        }
        double[] values = values(t);
        long[] shape = t.shape();
        int rows = batched && shape.length > 0 ? (int) shape[0] : 1;
        int perRow = rows == 0 ? 0 : values.length / rows;
        int take = Math.min(k, perRow);
        List<byte[]> out = new ArrayList<>(rows * take);
        for (int r = 0; r < rows; r++) {
            Integer[] order = new Integer[perRow];
            for (int j = 0; j < perRow; j++) {
                order[j] = j;
            }
            int base = r * perRow;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(values[base + b], values[base + a]));
            for (int j = 0; j < take; j++) {
                int index = order[j];
                String s = String.format(Locale.ROOT, "%f:%d", values[base + index], index);
                if (index < labels.size()) {
                    s += ":" + labels.get(index);
                }
                out.add(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        long[] newShape = batched && shape.length > 0 ? new long[] {rows, take} : new long[] {take};
        return Tensor.ofStrings(t.name(), newShape, out);
    }

    private static double[] values(Tensor t) {
        ByteBuffer b = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) t.elementCount();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (t.type()) {
                case UINT8 -> b.get() & 0xff;
                case INT8 -> b.get();
                case UINT16 -> b.getShort() & 0xffff;
                case INT16 -> b.getShort();
                case UINT32 -> b.getInt() & 0xffffffffL;
                case INT32 -> b.getInt();
                case UINT64, INT64 -> b.getLong();
                case FP16 -> io.llmaos.server.codec.HalfFloats.fromHalf(b.getShort());
                case BF16 -> io.llmaos.server.codec.HalfFloats.fromBfloat16(b.getShort());
                case FP32 -> b.getFloat();
                case FP64 -> b.getDouble();
                default -> throw new IllegalStateException("not numeric: " + t.type());
            };
        }
        return v;
    }
}
