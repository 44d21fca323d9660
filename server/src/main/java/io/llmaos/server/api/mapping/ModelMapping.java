package io.llmaos.server.api.mapping;

import com.google.protobuf.Timestamp;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.ModelSummary;
import io.llmaos.proto.v1.ModelVersionStatus;
import io.llmaos.proto.v1.TensorMetadata;
import io.llmaos.proto.v1.TensorSpec;
import io.llmaos.server.model.engine.ClassifierSpec;
import io.llmaos.server.model.lifecycle.ModelState;
import io.llmaos.server.model.lifecycle.ModelStatus;
import io.llmaos.server.model.lifecycle.VersionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Lifecycle statuses and configurations to their contract messages. */
public final class ModelMapping {
    private ModelMapping() {}

    public static ModelSummary summary(ModelStatus s) {
        ModelSummary.Builder b = ModelSummary.newBuilder()
                .setName(s.name())
                .setEngine(s.config().getEngine())
                .setKind(s.config().getKind())
                .setPinned(s.config().getResources().getPinned())
                .setConfigError(s.configError());
        s.versions().forEach(v -> b.addVersions(version(v)));
        if (s.lastUsed() != null) {
            b.setLastUsed(timestamp(s.lastUsed()));
        }
        return b.build();
    }

    /** One version's status. */
    public static ModelVersionStatus version(VersionStatus v) {
        return ModelVersionStatus.newBuilder()
                .setVersion(v.version())
                .setState(state(v.state()))
                .setReason(v.reason())
                .setMemoryBytes(v.memoryBytes())
                .setInstances(v.instances())
                .setSince(timestamp(v.since()))
                .setLoadTimeMs(v.loadMillis())
                .build();
    }

    public static io.llmaos.proto.v1.ModelState state(ModelState state) {
        return io.llmaos.proto.v1.ModelState.valueOf(state.name());
    }

    /** What a request must send, as declared (batch dimension included as -1 when batched). */
    public static List<TensorMetadata> inputs(ModelConfig c) {
        return metadata(c.getInputsList(), c.getMaxBatchSize() > 0);
    }

    /** What a response holds: the declared outputs, plus the labels a classifier adds. */
    public static List<TensorMetadata> outputs(ModelConfig c) {
        List<TensorMetadata> outputs = new ArrayList<>(metadata(c.getOutputsList(), c.getMaxBatchSize() > 0));
        if (c.getKind() == ModelKind.CLASSIFIER) {
            TensorMetadata.Builder labels = TensorMetadata.newBuilder()
                    .setName(ClassifierSpec.LABELS_OUTPUT)
                    .setDatatype(io.llmaos.proto.v1.DataType.BYTES)
                    .setDescription("the best labels of each row, best first");
            if (c.getMaxBatchSize() > 0) {
                labels.addShape(-1);
            }
            outputs.add(
                    labels.addShape(Math.max(1, c.getClassifier().getTopK())).build());
        }
        return outputs;
    }

    private static List<TensorMetadata> metadata(List<TensorSpec> specs, boolean batched) {
        return specs.stream()
                .map(t -> {
                    TensorMetadata.Builder m = TensorMetadata.newBuilder()
                            .setName(t.getName())
                            .setDatatype(t.getDatatype())
                            .setDescription(t.getDescription());
                    if (batched) {
                        m.addShape(-1);
                    }
                    return m.addAllShape(t.getShapeList()).build();
                })
                .toList();
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder()
                .setSeconds(at.getEpochSecond())
                .setNanos(at.getNano())
                .build();
    }
}
