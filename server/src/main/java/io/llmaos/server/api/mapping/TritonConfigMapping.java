package io.llmaos.server.api.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.llmaos.proto.oip.ModelDynamicBatching;
import io.llmaos.proto.oip.ModelInput;
import io.llmaos.proto.oip.ModelInstanceGroup;
import io.llmaos.proto.oip.ModelOutput;
import io.llmaos.proto.oip.ModelParameter;
import io.llmaos.proto.oip.ModelQueuePolicy;
import io.llmaos.proto.oip.ModelTransactionPolicy;
import io.llmaos.proto.oip.ModelVersionPolicy;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.TensorSpec;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.model.engine.ClassifierSpec;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.scheduler.LevelPolicy;
import io.llmaos.server.scheduler.ModelPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Our {@code llmaos.v1.ModelConfig} to Triton's {@code inference.ModelConfig}, as the ModelConfig RPC
 * answers it. The reverse, a Triton configuration given to RepositoryModelLoad, is
 * {@link TritonConfigReader}.
 */
public final class TritonConfigMapping {
    /** Top-level keys only Triton's configuration has: a "config" holding one is read as Triton's. */
    private static final Set<String> TRITON_KEYS = Set.of(
            "backend",
            "platform",
            "input",
            "output",
            "instance_group",
            "instanceGroup",
            "model_transaction_policy",
            "modelTransactionPolicy",
            "default_model_filename",
            "defaultModelFilename",
            "sequence_batching",
            "ensemble_scheduling",
            "optimization",
            "model_warmup");

    private static final ObjectMapper JSON = new ObjectMapper();

    private TritonConfigMapping() {}

    /** Whether {@code json} is a Triton configuration (else it is ours, or not JSON at all). */
    public static boolean isTriton(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                return false;
            }
            for (var names = node.fieldNames(); names.hasNext(); ) {
                if (TRITON_KEYS.contains(names.next())) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The Triton form of model {@code name}'s configuration with the scheduling rules in force. */
    public static io.llmaos.proto.oip.ModelConfig toTriton(String name, ModelConfig c, ModelPolicy policy) {
        boolean generative = c.getKind() == ModelKind.GENERATIVE;
        io.llmaos.proto.oip.ModelConfig.Builder b = io.llmaos.proto.oip.ModelConfig.newBuilder()
                .setName(name)
                .setMaxBatchSize(generative ? 0 : (int) Math.min(Integer.MAX_VALUE, c.getMaxBatchSize()))
                .setVersionPolicy(versionPolicy(c))
                .setDynamicBatching(batching(c, policy))
                .addInstanceGroup(ModelInstanceGroup.newBuilder()
                        .setName(name + "_0")
                        .setKind(ModelInstanceGroup.Kind.KIND_CPU)
                        .setCount(Math.max(policy.minInstances(), policy.maxInstances())))
                .setModelTransactionPolicy(ModelTransactionPolicy.newBuilder().setDecoupled(generative));
        if (c.getEngine() != io.llmaos.proto.v1.Engine.ENGINE_UNSPECIFIED) {
            EngineType engine = EngineType.valueOf(c.getEngine().name());
            b.setPlatform(engine.platform()).setBackend(engine.name().toLowerCase(Locale.ROOT));
        }
        if (generative) {
            TritonLlm.inputs().forEach(t -> b.addInput(input(t.name(), t.datatype(), t.shape(), t.optional())));
            TritonLlm.outputs().forEach(t -> b.addOutput(output(t.name(), t.datatype(), t.shape())));
        } else {
            c.getInputsList()
                    .forEach(t -> b.addInput(input(t.getName(), t.getDatatype(), t.getShapeList(), t.getOptional())));
            c.getOutputsList().forEach(t -> b.addOutput(output(t.getName(), t.getDatatype(), t.getShapeList())));
            if (c.getKind() == ModelKind.CLASSIFIER) {
                b.addOutput(output(ClassifierSpec.LABELS_OUTPUT, DataType.BYTES, List.of((long)
                        Math.max(1, c.getClassifier().getTopK()))));
            }
        }
        parameter(b, "llmaos.kind", c.getKind().name());
        parameter(b, "llmaos.instances.min", String.valueOf(policy.minInstances()));
        parameter(b, "llmaos.instances.max", String.valueOf(policy.maxInstances()));
        parameter(b, "llmaos.threads_per_instance", String.valueOf(policy.threadsPerInstance()));
        c.getParametersMap().forEach((k, v) -> parameter(b, k, v));
        try {
            parameter(
                    b,
                    "llmaos.config",
                    JsonFormat.printer().omittingInsignificantWhitespace().print(c));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a loaded configuration always prints", e);
        }
        return b.build();
    }

    private static void parameter(io.llmaos.proto.oip.ModelConfig.Builder b, String key, String value) {
        b.putParameters(key, ModelParameter.newBuilder().setStringValue(value).build());
    }

    /** Triton's name of a datatype: TYPE_ and ours, BYTES as TYPE_STRING. */
    static io.llmaos.proto.oip.DataType tritonType(DataType type) {
        return type == DataType.BYTES
                ? io.llmaos.proto.oip.DataType.TYPE_STRING
                : io.llmaos.proto.oip.DataType.valueOf("TYPE_" + type.name());
    }

    private static ModelInput input(String name, DataType type, List<Long> dims, boolean optional) {
        return ModelInput.newBuilder()
                .setName(name)
                .setDataType(tritonType(type))
                .addAllDims(dims)
                .setOptional(optional)
                .build();
    }

    private static ModelOutput output(String name, DataType type, List<Long> dims) {
        return ModelOutput.newBuilder()
                .setName(name)
                .setDataType(tritonType(type))
                .addAllDims(dims)
                .build();
    }

    private static ModelVersionPolicy versionPolicy(ModelConfig c) {
        var p = c.getVersionPolicy();
        ModelVersionPolicy.Builder b = ModelVersionPolicy.newBuilder();
        switch (p.getPolicyCase()) {
            case ALL -> b.setAll(ModelVersionPolicy.All.getDefaultInstance());
            case SPECIFIC ->
                b.setSpecific(ModelVersionPolicy.Specific.newBuilder()
                        .addAllVersions(p.getSpecific().getVersionsList()));
            case LATEST ->
                b.setLatest(ModelVersionPolicy.Latest.newBuilder()
                        .setNumVersions(Math.max(1, p.getLatest().getNumVersions())));
            default -> b.setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(1));
        }
        return b.build();
    }

    private static ModelDynamicBatching batching(ModelConfig c, ModelPolicy policy) {
        ModelDynamicBatching.Builder b = ModelDynamicBatching.newBuilder()
                .setMaxQueueDelayMicroseconds(policy.maxQueueDelayNanos() / 1000)
                .setPreserveOrdering(c.getDynamicBatching().getPreserveOrdering())
                .setPriorityLevels(policy.levels().size())
                .setDefaultPriorityLevel(policy.defaultPriority());
        c.getDynamicBatching().getPreferredBatchSizesList().forEach(s -> b.addPreferredBatchSize(s));
        for (int level = 1; level <= policy.levels().size(); level++) {
            b.putPriorityQueuePolicy(level, queuePolicy(policy.levels().get(level - 1)));
        }
        b.setDefaultQueuePolicy(queuePolicy(policy.levels().get(policy.defaultPriority() - 1)));
        return b.build();
    }

    private static ModelQueuePolicy queuePolicy(LevelPolicy l) {
        return ModelQueuePolicy.newBuilder()
                .setTimeoutAction(
                        l.delayOnTimeout()
                                ? ModelQueuePolicy.TimeoutAction.DELAY
                                : ModelQueuePolicy.TimeoutAction.REJECT)
                .setDefaultTimeoutMicroseconds(l.defaultTimeout() == null ? 0 : micros(l.defaultTimeout()))
                .setAllowTimeoutOverride(l.allowTimeoutOverride())
                .setMaxQueueSize(l.maxSize())
                .build();
    }

    private static long micros(java.time.Duration d) {
        try {
            return Math.max(1, d.toNanos() / 1000);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A violation naming a Triton field LLMA OS does not support. */
    static InvalidInputException unsupported(String field, String why) {
        return new InvalidInputException("parameters[config]." + field, why);
    }

    /** Our tensor spec of a Triton input or output. */
    static TensorSpec spec(
            String field, String name, io.llmaos.proto.oip.DataType type, List<Long> dims, boolean optional) {
        if (type == io.llmaos.proto.oip.DataType.TYPE_INVALID || type == io.llmaos.proto.oip.DataType.UNRECOGNIZED) {
            throw unsupported(field + ".data_type", "is required (TYPE_BOOL .. TYPE_STRING)");
        }
        DataType ours = type == io.llmaos.proto.oip.DataType.TYPE_STRING
                ? DataType.BYTES
                : DataType.valueOf(type.name().substring("TYPE_".length()));
        return TensorSpec.newBuilder()
                .setName(name)
                .setDatatype(ours)
                .addAllShape(dims)
                .setOptional(optional)
                .build();
    }
}
