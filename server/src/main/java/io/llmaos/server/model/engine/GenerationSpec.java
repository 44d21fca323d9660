package io.llmaos.server.model.engine;

import java.nio.file.Path;
import java.util.Set;

/**
 * How a GENERATIVE model is driven (see the KV-cache contract in models/README.md).
 *
 * @param tokenizerFile        a HuggingFace tokenizer.json
 * @param maxContext           the longest sequence, prompt plus generated tokens
 * @param eosTokenIds          tokens that end a sequence
 * @param kvCache              the cache layout and the names of the model's inputs
 * @param maxActiveSequences   sequences decoded together per instance
 * @param maxCachedTokens      tokens cached across the active sequences of an instance
 * @param preemptLowest        when the budget is full, preempt the lowest priority (recomputed later)
 * @param defaultMaxNewTokens  sampling defaults, overridable per request
 */
public record GenerationSpec(
        Path tokenizerFile,
        int maxContext,
        Set<Long> eosTokenIds,
        int vocabSize,
        KvCacheSpec kvCache,
        int maxActiveSequences,
        long maxCachedTokens,
        boolean preemptLowest,
        int defaultMaxNewTokens,
        float defaultTemperature,
        int defaultTopK,
        float defaultTopP) {
    public GenerationSpec {
        eosTokenIds = Set.copyOf(eosTokenIds);
    }

    /**
     * The KV cache. DYNAMIC ({@code staticCache} false): {@code 2 x numLayers} tensors
     * {@code [batch, numHeads, length, headDim]}, key and value per layer, passed as the list input
     * {@code past} and returned from output {@code presentsOutputIndex} on. STATIC: one tensor
     * {@code [2 x numLayers, maxActiveSequences, numHeads, maxContext, headDim]} passed as input
     * {@code cache} and updated in place by the model, row b of a call in slot {@code cacheOffset + b}.
     */
    public record KvCacheSpec(
            int numLayers,
            int numHeads,
            int headDim,
            String inputIds,
            String positionIds,
            String attentionMask,
            String past,
            int logitsOutputIndex,
            int presentsOutputIndex,
            boolean staticCache,
            String cache,
            String cacheOffset) {}

    /** The bytes of one instance's STATIC cache (FP32); 0 for a DYNAMIC one, which grows with its sequences. */
    public long staticCacheBytes() {
        return kvCache.staticCache()
                ? 2L
                        * kvCache.numLayers()
                        * maxActiveSequences
                        * kvCache.numHeads()
                        * maxContext
                        * kvCache.headDim()
                        * 4
                : 0;
    }
}
