package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.llmaos.server.model.engine.ModelSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Continuous batching on the STATIC KV-cache contract: one cache
 * {@code [2 x layers, slots, heads, max_context, head_dim]} made on the first prefill and kept until
 * the batch closes, which the model writes in place at each step's positions. The batch's sequences
 * occupy slots {@code 0..size-1}, in order, each its tokens at their absolute positions, so a step
 * is one call over rows {@code 0..size-1} and copies no cache. A sequence that leaves takes the last
 * slot's sequence into its place (one copy of that sequence's keys and values, once).
 */
final class DjlStaticDecodeBatch extends DjlBatchBase {
    private final int slots;
    private final int maxContext;
    /** Per slot in use: the sequence's id and its length (tokens in the cache). */
    private final long[] ids;

    private final int[] lengths;
    private int size;
    private NDArray cache;

    DjlStaticDecodeBatch(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        super(spec, model, pytorchThreads);
        this.slots = spec.generation().maxActiveSequences();
        this.maxContext = spec.generation().maxContext();
        this.ids = new long[slots];
        this.lengths = new int[slots];
    }

    @Override
    void admitting(int sequences) {
        if (size + sequences > slots) {
            // the scheduler admits at most max_active_sequences per instance
            throw new IllegalStateException(
                    spec.ref() + " decodes at most " + slots + " sequences per instance (max_active_sequences)");
        }
    }

    /** New rows take the next free slots, in order. */
    @Override
    NDList withCache(NDManager call, NDList tokens, int rows) {
        return cacheInputs(call, tokens, size);
    }

    @Override
    void prefilled(NDList out, long[] sequenceIds, int length) {
        for (long id : sequenceIds) {
            ids[size] = id;
            lengths[size] = length;
            size++;
        }
    }

    @Override
    public float[][] step(long[] sequenceIds, long[] lastTokens) {
        threads();
        if (sequenceIds.length != size) {
            throw new IllegalArgumentException("a step lists every sequence of the batch");
        }
        Map<Long, Integer> order = new HashMap<>();
        for (int i = 0; i < sequenceIds.length; i++) {
            order.put(sequenceIds[i], i);
        }
        long[] tokens = new long[size];
        long[] positions = new long[size];
        int keys = 0;
        for (int slot = 0; slot < size; slot++) {
            Integer i = order.get(ids[slot]);
            if (i == null) {
                throw new IllegalArgumentException("sequence " + ids[slot] + " is in the batch but not in the step");
            }
            if (lengths[slot] >= maxContext) {
                throw new IllegalStateException("sequence " + ids[slot] + " is max_context long");
            }
            tokens[slot] = lastTokens[i];
            positions[slot] = lengths[slot];
            keys = Math.max(keys, lengths[slot] + 1);
        }
        // every row attends its own written positions: the model masks keys beyond its position
        long[] mask = new long[size * keys];
        Arrays.fill(mask, 1);
        float[][] logits = new float[size][];
        try (NDManager call = manager.newSubManager()) {
            float[] all = run(cacheInputs(
                            call, tokens(call, new Shape(size, 1), tokens, positions, new Shape(size, keys), mask), 0))
                    .get(kv.logitsOutputIndex())
                    .toFloatArray();
            for (int slot = 0; slot < size; slot++) {
                lengths[slot]++;
                logits[order.get(ids[slot])] = Arrays.copyOfRange(all, slot * vocab, (slot + 1) * vocab);
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
        // from the last slot down, so the sequence moved into a freed slot is never one that leaves
        for (int slot = size - 1; slot >= 0; slot--) {
            if (leaving.contains(ids[slot])) {
                int last = size - 1;
                if (slot != last) {
                    moveSlot(last, slot);
                }
                size--;
            }
        }
    }

    /** Copies the sequence in slot {@code from} (its written positions only) into slot {@code to}. */
    private void moveSlot(int from, int to) {
        int length = lengths[from];
        try (NDManager work = manager.newSubManager()) {
            NDArray source = cache.get(new NDIndex(":, {}, :, :{}", from, length));
            source.attach(work);
            cache.set(new NDIndex(":, {}, :, :{}", to, length), source);
        }
        ids[to] = ids[from];
        lengths[to] = length;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    void clear() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
        size = 0;
    }

    /** {@code list} with the cache and the slot of its first row. */
    private NDList cacheInputs(NDManager m, NDList list, int offset) {
        list.add(CacheArrays.named(cache(), kv.cache()));
        list.add(CacheArrays.named(m.create(new long[] {offset}, new Shape(1)), kv.cacheOffset()));
        return list;
    }

    /** The cache, made (zeros) on first use; it belongs to the batch's manager, never a call's. */
    private NDArray cache() {
        if (cache == null) {
            cache = manager.zeros(
                    new Shape(2L * kv.numLayers(), slots, kv.numHeads(), maxContext, kv.headDim()), DataType.FLOAT32);
        }
        return cache;
    }
}
