package io.llmaos.server.codec;

import com.google.protobuf.ByteString;
import io.llmaos.proto.v1.TensorContents;
import java.util.List;

/**
 * The typed contents of a tensor, whichever contract it came in (llmaos.v1 or the Open Inference
 * Protocol share the same eight fields), so one decoder serves both; the API makes the view of an
 * OIP tensor.
 */
public record ContentsView(
        List<Boolean> bools,
        List<Integer> ints,
        List<Long> int64s,
        List<Integer> uints,
        List<Long> uint64s,
        List<Float> fp32s,
        List<Double> fp64s,
        List<ByteString> bytes) {

    public static ContentsView of(TensorContents c) {
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

    /** The field names and sizes of every non-empty field. */
    public List<String> nonEmpty() {
        java.util.ArrayList<String> set = new java.util.ArrayList<>();
        add(set, "bool_contents", bools);
        add(set, "int_contents", ints);
        add(set, "int64_contents", int64s);
        add(set, "uint_contents", uints);
        add(set, "uint64_contents", uint64s);
        add(set, "fp32_contents", fp32s);
        add(set, "fp64_contents", fp64s);
        add(set, "bytes_contents", bytes);
        return set;
    }

    private static void add(List<String> set, String name, List<?> values) {
        if (!values.isEmpty()) {
            set.add(name);
        }
    }
}
