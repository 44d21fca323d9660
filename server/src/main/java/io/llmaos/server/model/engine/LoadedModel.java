package io.llmaos.server.model.engine;

/**
 * A model version held in memory by an engine. Shared and thread-safe; each worker executes through
 * its own {@link ModelInstance}. Closing it frees the engine's native memory; close every instance
 * first.
 */
public interface LoadedModel extends AutoCloseable {
    /** What was loaded. */
    ModelSpec spec();

    /**
     * The model's tokenizer, shared by all its instances: set for GENERATIVE models (which the
     * server feeds and reads token ids), null for others.
     */
    default TokenCodec tokenizer() {
        return null;
    }

    /** A new instance for one worker. */
    ModelInstance newInstance();

    @Override
    void close();
}
