package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.TensorSpec;
import io.llmaos.server.core.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the meaning of a parsed {@link ModelConfig}; every problem is a field violation. */
final class ConfigValidator {
    private static final int MAX_BATCH = 1 << 20;

    private ConfigValidator() {
    }

    static List<FieldViolation> validate(ModelConfig c, String folderName) {
        List<FieldViolation> v = new ArrayList<>();
        if (!c.getName().isEmpty() && !c.getName().equals(folderName)) {
            v.add(new FieldViolation("name", "'" + c.getName() + "' differs from the folder name '" + folderName + "'"));
        }
        tensors("inputs", c.getInputsList(), v);
        tensors("outputs", c.getOutputsList(), v);
        if (c.getMaxBatchSize() > MAX_BATCH) {
            v.add(new FieldViolation("max_batch_size", "must be at most " + MAX_BATCH));
        }
        for (int i = 0; i < c.getDynamicBatching().getPreferredBatchSizesCount(); i++) {
            int size = c.getDynamicBatching().getPreferredBatchSizes(i);
            if (size < 1 || size > c.getMaxBatchSize()) {
                v.add(new FieldViolation("dynamic_batching.preferred_batch_sizes[" + i + "]",
                        "must be between 1 and max_batch_size (" + c.getMaxBatchSize() + ")"));
            }
        }
        if (c.hasInstances() && c.getInstances().getMax() != 0 && c.getInstances().getMax() < c.getInstances().getMin()) {
            v.add(new FieldViolation("instances.max", "must be at least instances.min"));
        }
        queue(c, v);
        for (int i = 0; i < c.getVersionPolicy().getSpecific().getVersionsCount(); i++) {
            if (c.getVersionPolicy().getSpecific().getVersions(i) <= 0) {
                v.add(new FieldViolation("version_policy.specific.versions[" + i + "]", "versions are positive integers"));
            }
        }
        kind(c, v);
        relativePath("embedding.tokenizer.file", c.getEmbedding().getTokenizer().getFile(), v);
        relativePath("generation.tokenizer.file", c.getGeneration().getTokenizer().getFile(), v);
        relativePath("classifier.labels_file", c.getClassifier().getLabelsFile(), v);
        return v;
    }

    /** A file a config names must be a plain relative path that stays in the model's folder. */
    private static void relativePath(String field, String value, List<FieldViolation> v) {
        if (!value.isEmpty() && !RepositoryPaths.isPlainRelative(value)) {
            v.add(new FieldViolation(field, "'" + value + "' must be a relative path inside the model folder"));
        }
    }

    private static void tensors(String field, List<TensorSpec> specs, List<FieldViolation> v) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec t = specs.get(i);
            String at = field + "[" + i + "]";
            if (t.getName().isEmpty()) {
                v.add(new FieldViolation(at + ".name", "is required"));
            } else if (!names.add(t.getName())) {
                v.add(new FieldViolation(at + ".name", "'" + t.getName() + "' is declared twice"));
            }
            if (t.getDatatype() == DataType.DATA_TYPE_UNSPECIFIED || t.getDatatype() == DataType.UNRECOGNIZED) {
                v.add(new FieldViolation(at + ".datatype", "is required (BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32, FP64, BYTES)"));
            }
            for (int d = 0; d < t.getShapeCount(); d++) {
                if (t.getShape(d) < -1 || t.getShape(d) == 0) {
                    v.add(new FieldViolation(at + ".shape[" + d + "]", "must be positive, or -1 for any size"));
                }
            }
        }
    }

    private static void queue(ModelConfig c, List<FieldViolation> v) {
        List<PriorityLevel> levels = c.getQueue().getLevelsList();
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).getLevel() != i + 1) {
                v.add(new FieldViolation("queue.levels[" + i + "].level", "levels are numbered 1.." + levels.size()
                        + " in order, highest first"));
            }
        }
        int count = Math.max(1, levels.size());
        if (c.getQueue().getDefaultPriority() > count) {
            v.add(new FieldViolation("queue.default_priority", "must be between 1 and " + count));
        }
    }

    private static void kind(ModelConfig c, List<FieldViolation> v) {
        if (c.getKind() == ModelKind.EMBEDDING && c.getEmbedding().getTokenizer().getFile().isEmpty()) {
            v.add(new FieldViolation("embedding.tokenizer.file", "is required for an EMBEDDING model"));
        }
        if (c.getKind() == ModelKind.GENERATIVE) {
            var g = c.getGeneration();
            if (g.getTokenizer().getFile().isEmpty()) {
                v.add(new FieldViolation("generation.tokenizer.file", "is required for a GENERATIVE model"));
            }
            if (g.getKvCache().getNumLayers() == 0 || g.getKvCache().getNumHeads() == 0 || g.getKvCache().getHeadDim() == 0) {
                v.add(new FieldViolation("generation.kv_cache", "num_layers, num_heads and head_dim are required"));
            }
            if (g.getMaxContext() == 0) {
                v.add(new FieldViolation("generation.max_context", "is required for a GENERATIVE model"));
            }
            if (g.getVocabSize() == 0) {
                v.add(new FieldViolation("generation.vocab_size", "is required for a GENERATIVE model"));
            }
        }
    }
}
