package io.llmaos.server.model.engine;

import io.llmaos.server.core.request.ModelRef;
import io.llmaos.server.core.tensor.TensorSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an engine needs to load one model version.
 *
 * @param modelFile     the file to load ({@code *.pt}, {@code *.onnx}) or, for TensorFlow, the
 *                      SavedModel folder
 * @param inputs        the inputs clients send, in the engine's argument order
 * @param outputs       the outputs clients receive, in the engine's output order
 * @param maxBatchSize  0 when the model does not batch; else the first dimension is the batch
 * @param threads       engine intra-op threads for one instance
 * @param embedding     set for EMBEDDING models
 * @param classifier    set for CLASSIFIER models
 * @param maxInputElements the most elements one request input may have (0 = the server default)
 */
public record ModelSpec(
        ModelRef ref,
        Path directory,
        Path modelFile,
        EngineType engine,
        ServingKind kind,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        int maxBatchSize,
        int threads,
        Map<String, String> parameters,
        EmbeddingSpec embedding,
        ClassifierSpec classifier,
        GenerationSpec generation,
        long maxInputElements) {
    public ModelSpec {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(kind, "kind");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        parameters = Map.copyOf(parameters);
        if (kind == ServingKind.EMBEDDING && embedding == null) {
            throw new IllegalArgumentException("an EMBEDDING model needs an embedding spec");
        }
        if (kind == ServingKind.GENERATIVE && generation == null) {
            throw new IllegalArgumentException("a GENERATIVE model needs a generation spec");
        }
    }

    /** Whether the first dimension of every input and output is the batch. */
    public boolean batched() {
        return maxBatchSize > 0;
    }
}
