package io.llmaos.server.model.engine;

/** A runtime (PyTorch, TensorFlow, ONNX Runtime) that loads model versions. Thread-safe. */
public interface InferenceEngine {
    /** Which runtime this is. */
    EngineType type();

    /**
     * Loads a model version. Fails with an {@code ENGINE_FAILURE} exception whose message says why
     * (corrupt file, wrong format, mismatched declaration).
     */
    LoadedModel load(ModelSpec spec);

    /** Starts the runtime if it has not started (loads its native libraries); idempotent. */
    void start();

    /** How long starting the runtime took, in milliseconds (0 until it has started). */
    long startupMillis();
}
