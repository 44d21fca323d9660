package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.ClassifierConfig;
import io.llmaos.proto.v1.EmbeddingConfig;
import io.llmaos.proto.v1.GenerationConfig;
import io.llmaos.proto.v1.KvCacheLayout;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.SamplingDefaults;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.ModelRef;
import io.llmaos.server.core.tensor.DataType;
import io.llmaos.server.core.tensor.TensorSpec;
import io.llmaos.server.model.engine.ClassifierSpec;
import io.llmaos.server.model.engine.EmbeddingSpec;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.engine.GenerationSpec;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.Pooling;
import io.llmaos.server.model.engine.ServingKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Turns a model's configuration and one version folder into the engine's {@link ModelSpec}. */
final class SpecBuilder {
    private final RepositoryPaths paths;

    SpecBuilder(RepositoryPaths paths) {
        this.paths = paths;
    }

    ModelSpec build(ModelSource source, long version) {
        Path versionDir = source.versionDir(version);
        if (versionDir == null) {
            throw LlmaosException.notFound("model '" + source.name() + "' has no version " + version);
        }
        String where = source.name() + "/" + version;
        paths.requireTreeInside(versionDir, where);
        ModelConfig c = source.config();
        Path modelFile = EngineDetector.modelFile(c.getEngine(), versionDir, where);
        ServingKind kind = kind(c);
        return new ModelSpec(
                new ModelRef(source.name(), version),
                versionDir,
                modelFile,
                EngineType.valueOf(c.getEngine().name()),
                kind,
                tensors(c.getInputsList()),
                tensors(c.getOutputsList()),
                c.getMaxBatchSize(),
                Math.max(1, c.getInstances().getThreadsPerInstance()),
                c.getParametersMap(),
                kind == ServingKind.EMBEDDING ? embedding(c.getEmbedding(), source, versionDir) : null,
                kind == ServingKind.CLASSIFIER ? classifier(c.getClassifier(), source, versionDir) : null,
                kind == ServingKind.GENERATIVE ? generation(c.getGeneration(), source, versionDir) : null,
                c.getMaxInputElements());
    }

    static ServingKind kind(ModelConfig c) {
        return switch (c.getKind()) {
            case CLASSIFIER -> ServingKind.CLASSIFIER;
            case EMBEDDING -> ServingKind.EMBEDDING;
            case GENERATIVE -> ServingKind.GENERATIVE;
            default -> ServingKind.TENSOR;
        };
    }

    static List<TensorSpec> tensors(List<io.llmaos.proto.v1.TensorSpec> specs) {
        return specs.stream()
                .map(t -> new TensorSpec(
                        t.getName(),
                        DataType.valueOf(t.getDatatype().name()),
                        t.getShapeList().stream().mapToLong(Long::longValue).toArray(),
                        t.getEngineName()))
                .toList();
    }

    private EmbeddingSpec embedding(EmbeddingConfig e, ModelSource source, Path versionDir) {
        Path tokenizer = file(versionDir, source.directory(), e.getTokenizer().getFile(), "embedding.tokenizer.file");
        return new EmbeddingSpec(
                tokenizer,
                e.getTokenizer().getMaxLength() > 0 ? e.getTokenizer().getMaxLength() : 256,
                !e.getTokenizer().hasAddSpecialTokens() || e.getTokenizer().getAddSpecialTokens(),
                switch (e.getPooling()) {
                    case CLS -> Pooling.CLS;
                    case MAX -> Pooling.MAX;
                    default -> Pooling.MEAN;
                },
                !e.hasNormalize() || e.getNormalize(),
                e.getTextInput().isEmpty() ? "text" : e.getTextInput(),
                e.getEmbeddingOutput().isEmpty() ? "embedding" : e.getEmbeddingOutput(),
                e.getTokenEmbeddingsOutput(),
                e.getPerSequence(),
                e.getTokenCountOutput());
    }

    private GenerationSpec generation(GenerationConfig g, ModelSource source, Path versionDir) {
        Path tokenizer = file(versionDir, source.directory(), g.getTokenizer().getFile(), "generation.tokenizer.file");
        KvCacheLayout kv = g.getKvCache();
        int maxActive = g.getMaxActiveSequences() > 0 ? g.getMaxActiveSequences() : 32;
        int maxContext = (int) g.getMaxContext();
        SamplingDefaults d = g.getSampling();
        return new GenerationSpec(
                tokenizer,
                maxContext,
                new java.util.HashSet<>(g.getEosTokenIdsList()),
                (int) g.getVocabSize(),
                new GenerationSpec.KvCacheSpec(
                        (int) kv.getNumLayers(),
                        (int) kv.getNumHeads(),
                        (int) kv.getHeadDim(),
                        or(kv.getInputIds(), "input_ids"),
                        or(kv.getPositionIds(), "position_ids"),
                        or(kv.getAttentionMask(), "attention_mask"),
                        or(kv.getPast(), "past"),
                        (int) kv.getLogitsOutputIndex(),
                        kv.getPresentsOutputIndex() > 0 ? (int) kv.getPresentsOutputIndex() : 2,
                        kv.getContract() == io.llmaos.proto.v1.KvCacheContract.STATIC,
                        or(kv.getCache(), "cache"),
                        or(kv.getCacheOffset(), "cache_offset")),
                maxActive,
                g.getMaxCachedTokens() > 0 ? g.getMaxCachedTokens() : (long) maxActive * maxContext,
                g.getPreemptLowestPriority(),
                d.getMaxNewTokens() > 0 ? (int) d.getMaxNewTokens() : 128,
                d.getTemperature(),
                (int) d.getTopK(),
                d.getTopP() > 0 ? d.getTopP() : 1f);
    }

    private static String or(String value, String otherwise) {
        return value.isEmpty() ? otherwise : value;
    }

    private ClassifierSpec classifier(ClassifierConfig c, ModelSource source, Path versionDir) {
        List<String> labels = c.getLabelsList();
        Path file = c.getLabelsFile().isEmpty()
                ? null
                : file(versionDir, source.directory(), c.getLabelsFile(), "classifier.labels_file");
        if (labels.isEmpty() && file != null) {
            try {
                labels = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty())
                        .toList();
            } catch (IOException e) {
                throw new LlmaosException(
                        ErrorCode.INTERNAL, "cannot read " + file.getFileName() + ": " + e.getMessage());
            }
        }
        return new ClassifierSpec(labels, c.getSoftmax(), Math.max(1, c.getTopK()));
    }

    /** A file named in the config: looked up in the version folder first, then the model folder. */
    private Path file(Path versionDir, Path modelDir, String relative, String field) {
        Path inVersion = paths.resolveInside(versionDir, relative, field, false);
        return inVersion != null ? inVersion : paths.resolveInside(modelDir, relative, field, true);
    }
}
