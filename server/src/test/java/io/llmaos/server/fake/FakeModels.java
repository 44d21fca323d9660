package io.llmaos.server.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes models for the {@link FakeEngine} into a repository: a config.json and an empty model file. */
public final class FakeModels {
    private FakeModels() {}

    /**
     * A PYTORCH TENSOR model: input {@code x} FP32 [4], output {@code y} FP32 [2], batching up to
     * {@code maxBatch}; {@code extra} is more JSON members for config.json (e.g. instances), or "".
     */
    public static Path tensor(Path repository, String name, int maxBatch, String extra) {
        return write(repository, name, """
                {"kind": "TENSOR", "engine": "PYTORCH", "max_batch_size": %d,
                 "inputs": [{"name": "x", "datatype": "FP32", "shape": [4]}],
                 "outputs": [{"name": "y", "datatype": "FP32", "shape": [2]}]%s}
                """.formatted(maxBatch, extra.isEmpty() ? "" : ", " + extra), false);
    }

    /**
     * A PYTORCH GENERATIVE model over the fake's byte tokens (vocabulary 257, EOS 256, context 64);
     * {@code extra} is more JSON members for config.json, or "".
     */
    public static Path generative(Path repository, String name, String generation, String extra) {
        return write(
                repository,
                name,
                """
                {"kind": "GENERATIVE", "engine": "PYTORCH", "max_batch_size": 0,
                 "inputs": [{"name": "input_ids", "datatype": "INT64", "shape": [-1, -1]}],
                 "outputs": [{"name": "logits", "datatype": "FP32", "shape": [-1, -1, 257]}],
                 "generation": {"tokenizer": {"file": "tokenizer.json"}, "max_context": 64,
                   "eos_token_ids": [256], "vocab_size": 257,
                   "kv_cache": {"num_layers": 1, "num_heads": 1, "head_dim": 1}%s}%s}
                """.formatted(generation.isEmpty() ? "" : ", " + generation, extra.isEmpty() ? "" : ", " + extra),
                true);
    }

    private static Path write(Path repository, String name, String config, boolean tokenizer) {
        try {
            Path dir = repository.resolve(name);
            Files.createDirectories(dir.resolve("1"));
            Files.writeString(dir.resolve("config.json"), config);
            Files.write(dir.resolve("1").resolve("model.pt"), new byte[0]);
            if (tokenizer) {
                Files.writeString(dir.resolve("1").resolve("tokenizer.json"), "{}");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
