package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.model.engine.ModelSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Continuous batching on the KV-cache contract: the batch's cache is one set of
 * {@code [rows, heads, length, head_dim]} arrays in engine memory, all rows as long as the longest.
 * Each row's own keys are contiguous and right-aligned, marked 1 in its attention mask, with
 * padding (0) on the left, so sequences of different lengths step together and a step appends one
 * column to every row. New sequences are prefilled together when their prompts are equally long and
 * joined by left-padding the shorter side; leaving rows are cut out, and the padding every row then
 * has is trimmed: the batch is always as long as its longest row.
 */
final class DjlDecodeBatch extends DjlBatchBase {
    private final List<Row> rows = new ArrayList<>();
    private NDArray[] cache;
    private int length;

    DjlDecodeBatch(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        super(spec, model, pytorchThreads);
    }

    /**
     * One sequence in the batch: its id, its real length, and which cache columns are its own (1 in
     * {@code mask}, over the batch's length; the array grows by doubling, zeros beyond).
     */
    private static final class Row {
        final long id;
        int realLength;
        long[] mask;

        Row(long id, int realLength, long[] mask) {
            this.id = id;
            this.realLength = realLength;
            this.mask = mask;
        }

        /** Adds {@code columns} of padding on the left. */
        void shiftRight(int columns) {
            if (columns > 0) {
                long[] shifted = new long[mask.length + columns];
                System.arraycopy(mask, 0, shifted, columns, mask.length);
                mask = shifted;
            }
        }

        /** Drops the first {@code columns} (padding every row has). */
        void shiftLeft(int columns) {
            mask = java.util.Arrays.copyOfRange(mask, columns, Math.max(columns, mask.length));
        }

        /** Columns of padding before the row's first own column. */
        int leadingPadding(int length) {
            int i = 0;
            while (i < length && mask[i] == 0) {
                i++;
            }
            return i;
        }

        void ensure(int columns) {
            if (mask.length < columns) {
                mask = java.util.Arrays.copyOf(mask, Math.max(columns, 2 * mask.length));
            }
        }
    }

    @Override
    NDList withCache(NDManager call, NDList tokens, int rows) {
        for (NDArray p : emptyPast(call, rows)) {
            p.setName(kv.past() + "[]");
            tokens.add(p);
        }
        return tokens;
    }

    @Override
    void prefilled(NDList out, long[] ids, int length) {
        List<Row> joined = new ArrayList<>(ids.length);
        for (long id : ids) {
            long[] rowMask = new long[length];
            java.util.Arrays.fill(rowMask, 1);
            joined.add(new Row(id, length, rowMask));
        }
        join(presents(out), joined, length);
    }

    @Override
    public float[][] step(long[] sequenceIds, long[] lastTokens) {
        threads();
        int b = rows.size();
        if (sequenceIds.length != b) {
            throw new IllegalArgumentException("a step lists every sequence of the batch");
        }
        Map<Long, Integer> order = new HashMap<>();
        for (int i = 0; i < sequenceIds.length; i++) {
            order.put(sequenceIds[i], i);
        }
        long[] ids = new long[b];
        long[] positions = new long[b];
        long[] mask = new long[b * (length + 1)];
        for (int r = 0; r < b; r++) {
            Row row = rows.get(r);
            Integer i = order.get(row.id);
            if (i == null) {
                throw new IllegalArgumentException("sequence " + row.id + " is in the batch but not in the step");
            }
            ids[r] = lastTokens[i];
            positions[r] = row.realLength;
            System.arraycopy(row.mask, 0, mask, r * (length + 1), length);
            mask[r * (length + 1) + length] = 1;
        }
        float[][] logits = new float[b][];
        try (NDManager step = manager.newSubManager()) {
            NDList inputs = inputs(step, new Shape(b, 1), ids, positions, new Shape(b, length + 1), mask, cache);
            NDList out = run(inputs);
            float[] all = out.get(kv.logitsOutputIndex()).toFloatArray();
            NDArray[] presents = presents(out);
            replaceCache(presents);
            length++;
            for (int r = 0; r < b; r++) {
                Row row = rows.get(r);
                row.ensure(length);
                row.mask[length - 1] = 1;
                row.realLength++;
                float[] l = new float[vocab];
                System.arraycopy(all, r * vocab, l, 0, vocab);
                logits[order.get(row.id)] = l;
            }
        }
        return logits;
    }

    @Override
    public void remove(long[] sequenceIds) {
        java.util.Set<Long> leaving = new java.util.HashSet<>();
        for (long id : sequenceIds) {
            leaving.add(id);
        }
        List<Integer> keep = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            if (!leaving.contains(rows.get(r).id)) {
                keep.add(r);
            }
        }
        if (keep.size() == rows.size()) {
            return;
        }
        if (keep.isEmpty()) {
            clear();
            return;
        }
        NDArray[] kept = new NDArray[cache.length];
        try (NDManager work = manager.newSubManager()) {
            CacheArrays.moveTo(work, cache);
            for (int i = 0; i < cache.length; i++) {
                kept[i] = CacheArrays.selectRows(cache[i], keep, manager);
            }
        }
        List<Row> remaining = keep.stream().map(rows::get).toList();
        rows.clear();
        rows.addAll(remaining);
        adopt(kept);
        trimLeadingPadding();
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    void clear() {
        if (cache != null) {
            for (NDArray a : cache) {
                a.close();
            }
        }
        cache = null;
        rows.clear();
        length = 0;
    }

    /** Adds rows whose cache is {@code presents} (as long as {@code joinedLength}), padding the shorter side. */
    private void join(NDArray[] presents, List<Row> joined, int joinedLength) {
        if (cache == null) {
            for (NDArray p : presents) {
                p.attach(manager);
            }
            cache = presents;
            length = joinedLength;
            rows.addAll(joined);
            return;
        }
        int target = Math.max(length, joinedLength);
        NDArray[] merged = new NDArray[cache.length];
        try (NDManager work = manager.newSubManager()) {
            CacheArrays.moveTo(work, cache);
            CacheArrays.moveTo(work, presents);
            for (int i = 0; i < cache.length; i++) {
                merged[i] = CacheArrays.padLeft(cache[i], target).concat(CacheArrays.padLeft(presents[i], target), 0);
                merged[i].attach(manager);
            }
        }
        for (Row row : rows) {
            row.shiftRight(target - length);
        }
        for (Row row : joined) {
            row.shiftRight(target - joinedLength);
        }
        rows.addAll(joined);
        adopt(merged);
        length = target;
    }

    /** Drops the leading columns that are padding in every row (left by sequences that left). */
    private void trimLeadingPadding() {
        int lead = length;
        for (Row row : rows) {
            lead = Math.min(lead, row.leadingPadding(length));
        }
        if (lead == 0 || rows.isEmpty()) {
            return;
        }
        NDArray[] trimmed = new NDArray[cache.length];
        try (NDManager work = manager.newSubManager()) {
            CacheArrays.moveTo(work, cache);
            for (int i = 0; i < cache.length; i++) {
                trimmed[i] = cache[i].get(new NDIndex(":, :, {}:", lead)).duplicate();
                trimmed[i].attach(manager);
            }
        }
        adopt(trimmed);
        for (Row row : rows) {
            row.shiftLeft(lead);
        }
        length -= lead;
    }

    /** Takes {@code next} as the cache; the old one was freed with the scratch manager it was moved to. */
    private void adopt(NDArray[] next) {
        for (NDArray a : next) {
            a.attach(manager);
        }
        cache = next;
    }

    /** Takes {@code next} as the cache and frees the old one. */
    private void replaceCache(NDArray[] next) {
        NDArray[] old = cache;
        for (NDArray a : next) {
            a.attach(manager);
        }
        cache = next;
        if (old != null) {
            for (NDArray a : old) {
                a.close();
            }
        }
    }

    private NDList inputs(
            NDManager m, Shape tokenShape, long[] ids, long[] positions, Shape maskShape, long[] mask, NDArray[] past) {
        NDList list = tokens(m, tokenShape, ids, positions, maskShape, mask);
        for (NDArray p : past) {
            p.setName(kv.past() + "[]");
            list.add(p);
        }
        return list;
    }

    private NDArray[] emptyPast(NDManager m, int batch) {
        NDArray[] past = new NDArray[2 * kv.numLayers()];
        for (int i = 0; i < past.length; i++) {
            past[i] = m.zeros(new Shape(batch, kv.numHeads(), 0, kv.headDim()), DataType.FLOAT32);
        }
        return past;
    }

    private NDArray[] presents(NDList out) {
        int first = kv.presentsOutputIndex();
        if (out.size() < first + 2 * kv.numLayers()) {
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE,
                    spec.ref() + " returned " + out.size() + " outputs; its kv_cache declares presents from output "
                            + first + " for " + kv.numLayers() + " layers");
        }
        NDArray[] presents = new NDArray[2 * kv.numLayers()];
        for (int i = 0; i < presents.length; i++) {
            presents[i] = out.get(first + i);
        }
        return presents;
    }
}
