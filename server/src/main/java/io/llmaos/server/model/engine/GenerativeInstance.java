package io.llmaos.server.model.engine;

/**
 * An instance of a GENERATIVE model: besides plain tensor calls, it decodes batches of sequences
 * with their KV caches kept in engine memory. The tokenizer is the model's ({@link LoadedModel#tokenizer}).
 */
public interface GenerativeInstance extends ModelInstance {
    /** A new, empty batch on this instance; use it from one thread. */
    DecodeBatch newBatch();
}
