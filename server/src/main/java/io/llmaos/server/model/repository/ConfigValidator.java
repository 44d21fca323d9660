package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.TensorSpec;
import io.llmaos.proto.v1.WarmupSample;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the meaning of a parsed {@link ModelConfig}; every problem is a field violation. */
final class ConfigValidator {
    private static final int MAX_BATCH = 1 << 20;
    private static final int MAX_TENSORS = 256;
    private static final int MAX_RANK = 16;
    private static final int MAX_VERSIONS = 64;
    private static final int MAX_WARMUP_SAMPLES = 16;
    private static final int MAX_WARMUP_COUNT = 64;
    private static final long MAX_WARMUP_ELEMENTS = 1 << 24;
    private static final long MAX_INPUT_ELEMENTS = 1L << 31;
    private static final int MAX_PARAMETERS = 64;
    private static final int MAX_PARAMETER_CHARS = 4096;
    private static final long MAX_CONTEXT = 1 << 20;
    private static final long MAX_SEQUENCES = 1024;
    private static final long MAX_KV_DIMENSION = 1 << 16;
    /** The largest STATIC cache one instance may preallocate. */
    private static final long MAX_STATIC_CACHE_BYTES = 16L << 30;

    private static final long MAX_VOCAB = 1 << 24;
    private static final long MAX_TOKENIZER_LENGTH = 1 << 16;
    private static final long MAX_LABELS = 1 << 16;

    private ConfigValidator() {}

    static List<FieldViolation> validate(ModelConfig c, String folderName) {
        List<FieldViolation> v = new ArrayList<>();
        if (!c.getName().isEmpty() && !c.getName().equals(folderName)) {
            v.add(new FieldViolation(
                    "name", "'" + Echo.cut(c.getName()) + "' differs from the folder name '" + folderName + "'"));
        }
        tensors("inputs", c.getInputsList(), v);
        tensors("outputs", c.getOutputsList(), v);
        ConfigLimits.atMost("max_batch_size", c.getMaxBatchSize(), MAX_BATCH, v);
        long maxBatch = ConfigLimits.unsigned(c.getMaxBatchSize());
        ConfigLimits.batching("dynamic_batching", c.getDynamicBatching(), Math.min(maxBatch, MAX_BATCH), v);
        ConfigLimits.instances("instances", c.getInstances(), v);
        ConfigLimits.queue("queue", c.getQueue(), v);
        versionPolicy(c, v);
        warmup(c, Math.min(maxBatch, MAX_BATCH), v);
        if (c.getMaxInputElements() < 0 || c.getMaxInputElements() > MAX_INPUT_ELEMENTS) {
            v.add(new FieldViolation("max_input_elements", "must be at most " + MAX_INPUT_ELEMENTS));
        }
        if (c.getResources().getMemoryEstimateBytes() < 0) {
            v.add(new FieldViolation("resources.memory_estimate_bytes", "must be below 2^63"));
        }
        if (c.getParametersCount() > MAX_PARAMETERS) {
            v.add(new FieldViolation(
                    "parameters",
                    "has " + c.getParametersCount() + " entries; at most " + MAX_PARAMETERS + " are allowed"));
        } else {
            c.getParametersMap().forEach((key, value) -> {
                if (key.length() > Echo.NAME_CHARS || value.length() > MAX_PARAMETER_CHARS) {
                    v.add(new FieldViolation(
                            "parameters[" + Echo.cut(key) + "]",
                            "keys are at most " + Echo.NAME_CHARS + " and values at most " + MAX_PARAMETER_CHARS
                                    + " characters"));
                } else {
                    EngineParameters.check(key, value, v);
                }
            });
        }
        kind(c, v);
        relativePath("embedding.tokenizer.file", c.getEmbedding().getTokenizer().getFile(), v);
        relativePath(
                "generation.tokenizer.file", c.getGeneration().getTokenizer().getFile(), v);
        relativePath("classifier.labels_file", c.getClassifier().getLabelsFile(), v);
        return v;
    }

    private static void versionPolicy(ModelConfig c, List<FieldViolation> v) {
        ConfigLimits.atMost(
                "version_policy.latest.num_versions",
                c.getVersionPolicy().getLatest().getNumVersions(),
                MAX_VERSIONS,
                v);
        var specific = c.getVersionPolicy().getSpecific();
        if (specific.getVersionsCount() > MAX_VERSIONS) {
            v.add(new FieldViolation(
                    "version_policy.specific.versions", "lists more than " + MAX_VERSIONS + " versions"));
            return;
        }
        for (int i = 0; i < specific.getVersionsCount(); i++) {
            if (specific.getVersions(i) <= 0) {
                v.add(new FieldViolation(
                        "version_policy.specific.versions[" + i + "]", "versions are positive integers"));
            }
        }
    }

    /** Warmup must finish: few samples, few repetitions, batches the model takes, tensors of bounded size. */
    private static void warmup(ModelConfig c, long maxBatch, List<FieldViolation> v) {
        if (c.getWarmupCount() > MAX_WARMUP_SAMPLES) {
            v.add(new FieldViolation(
                    "warmup",
                    "has " + c.getWarmupCount() + " samples; at most " + MAX_WARMUP_SAMPLES + " are allowed"));
            return;
        }
        for (int i = 0; i < c.getWarmupCount(); i++) {
            WarmupSample w = c.getWarmup(i);
            String at = "warmup[" + i + "]";
            ConfigLimits.atMost(at + ".count", w.getCount(), MAX_WARMUP_COUNT, v);
            long batch = Math.max(1, ConfigLimits.unsigned(w.getBatchSize()));
            if (batch > Math.max(1, maxBatch)) {
                v.add(new FieldViolation(
                        at + ".batch_size",
                        "is " + batch + "; the model takes batches of at most " + Math.max(1, maxBatch)));
            } else if (w.getInputsCount() == 0) {
                for (TensorSpec in : c.getInputsList()) {
                    long elements = batch;
                    for (long d : in.getShapeList()) {
                        elements = d > 0 && elements > MAX_WARMUP_ELEMENTS / d
                                ? MAX_WARMUP_ELEMENTS + 1
                                : elements * Math.max(1, d);
                    }
                    if (elements > MAX_WARMUP_ELEMENTS) {
                        v.add(new FieldViolation(
                                at + ".batch_size",
                                "makes input '" + in.getName() + "' more than " + MAX_WARMUP_ELEMENTS + " elements"));
                    }
                }
            }
        }
    }

    /** A file a config names must be a plain relative path that stays in the model's folder. */
    private static void relativePath(String field, String value, List<FieldViolation> v) {
        if (!value.isEmpty() && !RepositoryPaths.isPlainRelative(value)) {
            v.add(new FieldViolation(field, "'" + value + "' must be a relative path inside the model folder"));
        }
    }

    private static void tensors(String field, List<TensorSpec> specs, List<FieldViolation> v) {
        if (specs.size() > MAX_TENSORS) {
            v.add(new FieldViolation(
                    field, "has " + specs.size() + " tensors; at most " + MAX_TENSORS + " are allowed"));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec t = specs.get(i);
            String at = field + "[" + i + "]";
            if (t.getName().isEmpty()) {
                v.add(new FieldViolation(at + ".name", "is required"));
            } else if (!names.add(t.getName())) {
                v.add(new FieldViolation(at + ".name", "'" + Echo.cut(t.getName()) + "' is declared twice"));
            }
            if (t.getDatatype() == DataType.DATA_TYPE_UNSPECIFIED || t.getDatatype() == DataType.UNRECOGNIZED) {
                v.add(new FieldViolation(
                        at + ".datatype",
                        "is required (BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32, FP64, BYTES)"));
            }
            if (t.getShapeCount() > MAX_RANK) {
                v.add(new FieldViolation(at + ".shape", "has rank " + t.getShapeCount() + "; at most " + MAX_RANK));
                continue;
            }
            for (int d = 0; d < t.getShapeCount(); d++) {
                if (t.getShape(d) < -1 || t.getShape(d) == 0) {
                    v.add(new FieldViolation(at + ".shape[" + d + "]", "must be positive, or -1 for any size"));
                }
            }
        }
    }

    private static void kind(ModelConfig c, List<FieldViolation> v) {
        if (c.getKind() == ModelKind.EMBEDDING
                && c.getEmbedding().getTokenizer().getFile().isEmpty()) {
            v.add(new FieldViolation("embedding.tokenizer.file", "is required for an EMBEDDING model"));
        }
        String counts = c.getEmbedding().getTokenCountOutput();
        if (c.getKind() == ModelKind.EMBEDDING
                && !counts.isEmpty()
                && c.getOutputsList().stream()
                        .noneMatch(o -> o.getName().equals(counts) && o.getDatatype() == DataType.INT64)) {
            v.add(new FieldViolation(
                    "embedding.token_count_output",
                    "names no INT64 output: declare '" + counts + "' among the outputs"));
        }
        if (c.getKind() == ModelKind.GENERATIVE) {
            var g = c.getGeneration();
            if (g.getTokenizer().getFile().isEmpty()) {
                v.add(new FieldViolation("generation.tokenizer.file", "is required for a GENERATIVE model"));
            }
            if (g.getKvCache().getNumLayers() == 0
                    || g.getKvCache().getNumHeads() == 0
                    || g.getKvCache().getHeadDim() == 0) {
                v.add(new FieldViolation("generation.kv_cache", "num_layers, num_heads and head_dim are required"));
            }
            if (g.getMaxContext() == 0) {
                v.add(new FieldViolation("generation.max_context", "is required for a GENERATIVE model"));
            }
            if (g.getVocabSize() == 0) {
                v.add(new FieldViolation("generation.vocab_size", "is required for a GENERATIVE model"));
            }
            ConfigLimits.atMost("generation.max_context", g.getMaxContext(), MAX_CONTEXT, v);
            ConfigLimits.atMost("generation.vocab_size", g.getVocabSize(), MAX_VOCAB, v);
            ConfigLimits.atMost("generation.max_active_sequences", g.getMaxActiveSequences(), MAX_SEQUENCES, v);
            ConfigLimits.atMost("generation.kv_cache.num_layers", g.getKvCache().getNumLayers(), MAX_KV_DIMENSION, v);
            ConfigLimits.atMost("generation.kv_cache.num_heads", g.getKvCache().getNumHeads(), MAX_KV_DIMENSION, v);
            ConfigLimits.atMost("generation.kv_cache.head_dim", g.getKvCache().getHeadDim(), MAX_KV_DIMENSION, v);
            ConfigLimits.atMost(
                    "generation.sampling.max_new_tokens", g.getSampling().getMaxNewTokens(), MAX_CONTEXT, v);
            if (g.getMaxCachedTokens() < 0 || g.getMaxCachedTokens() > MAX_CONTEXT * MAX_SEQUENCES) {
                v.add(new FieldViolation(
                        "generation.max_cached_tokens", "must be at most " + MAX_CONTEXT * MAX_SEQUENCES));
            }
            staticCache(g, v);
            if (g.getEosTokenIdsCount() > MAX_TENSORS) {
                v.add(new FieldViolation("generation.eos_token_ids", "lists more than " + MAX_TENSORS + " ids"));
            }
        }
        ConfigLimits.atMost(
                "embedding.tokenizer.max_length",
                c.getEmbedding().getTokenizer().getMaxLength(),
                MAX_TOKENIZER_LENGTH,
                v);
        ConfigLimits.atMost(
                "generation.tokenizer.max_length",
                c.getGeneration().getTokenizer().getMaxLength(),
                MAX_TOKENIZER_LENGTH,
                v);
        ConfigLimits.atMost("classifier.top_k", c.getClassifier().getTopK(), MAX_LABELS, v);
        if (c.getClassifier().getLabelsCount() > MAX_LABELS) {
            v.add(new FieldViolation("classifier.labels", "lists more than " + MAX_LABELS + " labels"));
        }
    }

    /** A STATIC cache is allocated whole per instance: its size must be sane. */
    private static void staticCache(io.llmaos.proto.v1.GenerationConfig g, List<FieldViolation> v) {
        if (g.getKvCache().getContract() != io.llmaos.proto.v1.KvCacheContract.STATIC) {
            return;
        }
        var kv = g.getKvCache();
        long sequences = g.getMaxActiveSequences() > 0 ? g.getMaxActiveSequences() : 32;
        // in double: the product of unsigned 32-bit fields may overflow a long
        double bytes = 2.0 * kv.getNumLayers() * sequences * kv.getNumHeads() * g.getMaxContext() * kv.getHeadDim() * 4;
        if (bytes > MAX_STATIC_CACHE_BYTES) {
            v.add(new FieldViolation(
                    "generation.kv_cache",
                    "a STATIC cache of 2 x num_layers x max_active_sequences x num_heads x max_context x head_dim"
                            + " floats is more than " + (MAX_STATIC_CACHE_BYTES >> 30) + " GiB per instance"));
        }
    }
}
