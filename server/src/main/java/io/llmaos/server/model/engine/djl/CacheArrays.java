package io.llmaos.server.model.engine.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/** Array operations on a decode batch's KV cache: padding, row selection, and which manager frees what. */
final class CacheArrays {
    private CacheArrays() {}

    /** {@code array} (a cache [batch, heads, length, dim]) padded with zeros at the front to {@code target} long. */
    static NDArray padLeft(NDArray array, int target) {
        long have = array.getShape().get(2);
        if (have >= target) {
            return array;
        }
        Shape s = array.getShape();
        return array.getManager()
                .zeros(new Shape(s.get(0), s.get(1), target - have, s.get(3)), array.getDataType())
                .concat(array, 2);
    }

    /** The rows {@code keep} (ascending) of {@code array}, as a new array attached to {@code manager}. */
    static NDArray selectRows(NDArray array, List<Integer> keep, NDManager manager) {
        List<NDArray> parts = new ArrayList<>();
        for (int i = 0; i < keep.size(); ) {
            int start = keep.get(i);
            int end = start + 1;
            while (i + 1 < keep.size() && keep.get(i + 1) == end) {
                i++;
                end++;
            }
            i++;
            parts.add(array.get(new NDIndex("{}:{}", start, end)));
        }
        NDArray result = parts.size() == 1 ? parts.get(0).duplicate() : NDArrays.concat(new NDList(parts), 0);
        result.attach(manager);
        return result;
    }

    /**
     * Moves arrays into a scratch manager: what is computed from them lands there too, and is freed
     * with it, except the results attached back to the batch's manager.
     */
    static void moveTo(NDManager work, NDArray[] arrays) {
        for (NDArray a : arrays) {
            a.attach(work);
        }
    }

    static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
