package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.model.engine.DecodeBatch;
import io.llmaos.server.model.engine.GenerationSpec;
import io.llmaos.server.model.engine.ModelSpec;

/**
 * What both KV-cache contracts' decode batches share: the batch's own predictor and memory, the
 * engine threads of the calling thread, the token inputs, and one engine call with its failure
 * mapped to ENGINE_FAILURE.
 */
abstract class DjlBatchBase implements DecodeBatch {
    final ModelSpec spec;
    final GenerationSpec.KvCacheSpec kv;
    final int vocab;
    /** The batch's engine memory: the cache lives here, each call's arrays in a sub-manager of it. */
    final NDManager manager;

    private final Predictor<NDList, NDList> predictor;
    private final PytorchThreads pytorchThreads;

    DjlBatchBase(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        this.spec = spec;
        this.kv = spec.generation().kvCache();
        this.vocab = spec.generation().vocabSize();
        this.manager = model.getNDManager().newSubManager();
        this.predictor = model.newPredictor(new NoopTranslator());
        this.pytorchThreads = pytorchThreads;
    }

    /**
     * Runs the prompts of new sequences and adds them to the batch. Prompts of one length run
     * together, unpadded, so every row's tokens stay contiguous.
     */
    @Override
    public final float[][] prefill(long[] sequenceIds, long[][] prompts) {
        threads();
        admitting(prompts.length);
        java.util.Map<Integer, java.util.List<Integer>> byLength = new java.util.TreeMap<>();
        for (int i = 0; i < prompts.length; i++) {
            if (prompts[i].length == 0 || prompts[i].length > spec.generation().maxContext()) {
                throw new IllegalArgumentException("a prompt is 1 to max_context tokens long");
            }
            byLength.computeIfAbsent(prompts[i].length, k -> new java.util.ArrayList<>())
                    .add(i);
        }
        float[][] logits = new float[prompts.length][];
        for (java.util.List<Integer> group : byLength.values()) {
            int n = group.size();
            int length = prompts[group.get(0)].length;
            long[] ids = new long[n];
            long[] tokens = new long[n * length];
            long[] positions = new long[n * length];
            long[] mask = new long[n * length];
            for (int r = 0; r < n; r++) {
                ids[r] = sequenceIds[group.get(r)];
                System.arraycopy(prompts[group.get(r)], 0, tokens, r * length, length);
                for (int t = 0; t < length; t++) {
                    positions[r * length + t] = t;
                }
            }
            java.util.Arrays.fill(mask, 1);
            try (NDManager call = manager.newSubManager()) {
                Shape shape = new Shape(n, length);
                NDList out = run(withCache(call, tokens(call, shape, tokens, positions, shape, mask), n));
                ai.djl.ndarray.NDArray all = out.get(kv.logitsOutputIndex());
                for (int r = 0; r < n; r++) {
                    logits[group.get(r)] = all.get(new ai.djl.ndarray.index.NDIndex("{}, {}", r, length - 1))
                            .toFloatArray();
                }
                prefilled(out, ids, length);
            }
        }
        return logits;
    }

    /** Checks that {@code sequences} more fit the batch (before anything runs). */
    void admitting(int sequences) {}

    /** The prefill inputs: {@code tokens} and the cache inputs for {@code rows} new rows. */
    abstract NDList withCache(NDManager call, NDList tokens, int rows);

    /** Adds the rows {@code ids}, each {@code length} tokens long, whose prefill returned {@code out}. */
    abstract void prefilled(NDList out, long[] ids, int length);

    /** input_ids and position_ids {@code tokenShape}, attention_mask {@code maskShape}, in {@code m}. */
    final NDList tokens(NDManager m, Shape tokenShape, long[] ids, long[] positions, Shape maskShape, long[] mask) {
        NDList list = new NDList(5);
        list.add(CacheArrays.named(m.create(ids, tokenShape), kv.inputIds()));
        list.add(CacheArrays.named(m.create(positions, tokenShape), kv.positionIds()));
        list.add(CacheArrays.named(m.create(mask, maskShape), kv.attentionMask()));
        return list;
    }

    /** One engine call; a failure is ENGINE_FAILURE with the engine's reason. */
    final NDList run(NDList inputs) {
        try {
            return predictor.predict(inputs);
        } catch (TranslateException | RuntimeException e) {
            if (e instanceof LlmaosException known) {
                throw known;
            }
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE, spec.ref() + " failed a decode step: " + DjlEngine.rootMessage(e), e);
        }
    }

    /** The engine threads of this model on the calling thread (PyTorch's count is per thread). */
    final void threads() {
        if (pytorchThreads != null) {
            pytorchThreads.onThisThread();
        }
    }

    /** Frees the batch's caches; {@link #close} then frees the predictor and the batch's memory. */
    abstract void clear();

    @Override
    public final void close() {
        clear();
        predictor.close();
        manager.close();
    }
}
