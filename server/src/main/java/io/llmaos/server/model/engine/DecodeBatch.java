package io.llmaos.server.model.engine;

/**
 * The sequences one instance decodes together, their KV caches kept in engine memory between steps
 * (continuous batching). Rows are addressed by the caller's sequence ids. Used by one thread.
 */
public interface DecodeBatch extends AutoCloseable {
    /**
     * Runs the prompts of new sequences (prefill) and adds them to the batch.
     *
     * @return per new sequence, the logits of the token after its prompt ({@code vocabSize} floats)
     */
    float[][] prefill(long[] sequenceIds, long[][] prompts);

    /**
     * One decode step of every sequence in the batch: {@code lastTokens[i]} is appended to sequence
     * {@code sequenceIds[i]}. Every sequence in the batch must be listed, each once.
     *
     * @return per listed sequence, the logits of its next token
     */
    float[][] step(long[] sequenceIds, long[] lastTokens);

    /** Drops sequences from the batch and frees their cache. */
    void remove(long[] sequenceIds);

    /** Sequences in the batch. */
    int size();

    /** Frees every cache. */
    @Override
    void close();
}
