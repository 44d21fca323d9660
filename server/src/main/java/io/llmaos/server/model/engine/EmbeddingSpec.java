package io.llmaos.server.model.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an EMBEDDING model turns text into vectors: the tokenizer, the pooling of the token vectors
 * found in output {@code tokenOutput}, and the names clients use. {@code perSequence} runs each
 * text alone, so its vector never depends on its batch-mates (dynamically quantized models).
 * {@code tokenCountOutput} (empty: none) names an output holding each text's token count.
 */
public record EmbeddingSpec(
        Path tokenizerFile,
        int maxLength,
        boolean addSpecialTokens,
        Pooling pooling,
        boolean normalize,
        String textInput,
        String embeddingOutput,
        String tokenOutput,
        boolean perSequence,
        String tokenCountOutput) {
    public EmbeddingSpec {
        Objects.requireNonNull(tokenizerFile, "tokenizerFile");
        Objects.requireNonNull(pooling, "pooling");
        if (maxLength <= 0) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
    }
}
