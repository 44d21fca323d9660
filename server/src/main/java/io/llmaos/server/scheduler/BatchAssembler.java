package io.llmaos.server.scheduler;

import io.llmaos.server.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Joins the inputs of several requests along the batch dimension and splits a batch's outputs back
 * by each request's number of rows.
 */
final class BatchAssembler {
    private BatchAssembler() {}

    /** The rows (first dimension) of a request: the batch size it contributes. */
    static long rows(List<Tensor> inputs) {
        if (inputs.isEmpty() || inputs.get(0).shape().length == 0) {
            return 1;
        }
        return inputs.get(0).shape()[0];
    }

    /**
     * What must match for requests to share a batch: each input's name, type and every dimension
     * but the first.
     */
    static String key(List<Tensor> inputs) {
        StringBuilder key = new StringBuilder();
        for (Tensor t : inputs) {
            long[] shape = t.shape();
            key.append(t.name())
                    .append(':')
                    .append(t.type())
                    .append(Arrays.toString(shape.length > 0 ? Arrays.copyOfRange(shape, 1, shape.length) : shape))
                    .append(';');
        }
        return key.toString();
    }

    /** The inputs of {@code requests} (same key) joined along the first dimension, in order. */
    static List<Tensor> join(List<List<Tensor>> requests) {
        if (requests.size() == 1) {
            return requests.get(0);
        }
        List<Tensor> first = requests.get(0);
        List<Tensor> joined = new ArrayList<>(first.size());
        for (int i = 0; i < first.size(); i++) {
            Tensor head = first.get(i);
            long[] shape = head.shape();
            long rows = 0;
            for (List<Tensor> r : requests) {
                rows += r.get(i).shape()[0];
            }
            shape[0] = rows;
            if (head.type().isFixedSize()) {
                int bytes = 0;
                for (List<Tensor> r : requests) {
                    bytes += r.get(i).data().remaining();
                }
                ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (List<Tensor> r : requests) {
                    b.put(r.get(i).data());
                }
                joined.add(Tensor.of(head.name(), head.type(), shape, b.flip()));
            } else {
                List<byte[]> strings = new ArrayList<>();
                for (List<Tensor> r : requests) {
                    strings.addAll(r.get(i).strings());
                }
                joined.add(Tensor.ofStrings(head.name(), shape, strings));
            }
        }
        return joined;
    }

    /** {@code outputs} of a batch split into one list per request, {@code rows[k]} rows each. */
    static List<List<Tensor>> split(List<Tensor> outputs, long[] rows) {
        List<List<Tensor>> parts = new ArrayList<>(rows.length);
        for (int k = 0; k < rows.length; k++) {
            parts.add(new ArrayList<>(outputs.size()));
        }
        for (Tensor out : outputs) {
            long[] shape = out.shape();
            long total = shape.length == 0 ? 0 : shape[0];
            long perRow = total == 0 ? 0 : out.elementCount() / total;
            long offset = 0;
            for (int k = 0; k < rows.length; k++) {
                long[] partShape = shape.clone();
                partShape[0] = rows[k];
                if (out.type().isFixedSize()) {
                    int width = out.type().byteSize();
                    ByteBuffer all = out.data();
                    all.position((int) (offset * perRow * width)).limit((int) ((offset + rows[k]) * perRow * width));
                    parts.get(k).add(Tensor.of(out.name(), out.type(), partShape, all.slice()));
                } else {
                    parts.get(k)
                            .add(Tensor.ofStrings(
                                    out.name(), partShape, out.strings().subList((int) (offset * perRow), (int)
                                            ((offset + rows[k]) * perRow))));
                }
                offset += rows[k];
            }
        }
        return parts;
    }
}
