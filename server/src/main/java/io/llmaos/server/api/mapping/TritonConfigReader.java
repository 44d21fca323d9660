package io.llmaos.server.api.mapping;

import static io.llmaos.server.api.mapping.TritonConfigMapping.unsupported;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.llmaos.proto.oip.ModelDynamicBatching;
import io.llmaos.proto.oip.ModelInstanceGroup;
import io.llmaos.proto.oip.ModelQueuePolicy;
import io.llmaos.proto.v1.DynamicBatching;
import io.llmaos.proto.v1.Engine;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.TimeoutAction;
import io.llmaos.proto.v1.VersionPolicy;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.model.repository.ModelRepository;
import java.util.List;
import java.util.Locale;

/**
 * A Triton configuration (proto JSON of {@code inference.ModelConfig}, as RepositoryModelLoad's
 * "config" parameter carries it) translated into ours for the fields we share. A field we do not
 * support is refused by name with INVALID_ARGUMENT, never ignored.
 */
public final class TritonConfigReader {
    private TritonConfigReader() {}

    /** Our configuration of the Triton configuration {@code json}. */
    public static ModelConfig read(String json) {
        io.llmaos.proto.oip.ModelConfig.Builder t = io.llmaos.proto.oip.ModelConfig.newBuilder();
        try {
            JsonFormat.parser().merge(json, t);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new InvalidInputException(
                    "parameters[config]", List.of(ModelRepository.describeJsonError(e, "Triton's ModelConfig")));
        }
        ModelConfig.Builder c = ModelConfig.newBuilder()
                .setName(t.getName())
                .setEngine(engine(t.getBackend(), t.getPlatform()))
                .setMaxBatchSize(nonNegative("max_batch_size", t.getMaxBatchSize()));
        for (int i = 0; i < t.getInputCount(); i++) {
            var in = t.getInput(i);
            c.addInputs(TritonConfigMapping.spec(
                    "input[" + i + "]", in.getName(), in.getDataType(), in.getDimsList(), in.getOptional()));
        }
        for (int i = 0; i < t.getOutputCount(); i++) {
            var out = t.getOutput(i);
            if (!out.getLabelFilename().isEmpty()) {
                throw unsupported(
                        "output[" + i + "].label_filename",
                        "is not supported: give a CLASSIFIER's labels in an llmaos.v1.ModelConfig (classifier.labels)");
            }
            c.addOutputs(TritonConfigMapping.spec(
                    "output[" + i + "]", out.getName(), out.getDataType(), out.getDimsList(), false));
        }
        if (t.hasDynamicBatching()) {
            batching(t.getDynamicBatching(), c);
        }
        instances(t.getInstanceGroupList(), c);
        if (t.hasVersionPolicy()) {
            c.setVersionPolicy(versionPolicy(t.getVersionPolicy()));
        }
        t.getParametersMap().forEach((k, v) -> c.putParameters(k, v.getStringValue()));
        if (!t.getDefaultModelFilename().isEmpty()) {
            throw unsupported(
                    "default_model_filename",
                    "is not supported: LLMA OS finds the model file in the version folder by its engine");
        }
        if (t.getModelTransactionPolicy().getDecoupled()) {
            throw unsupported(
                    "model_transaction_policy.decoupled",
                    "is not supported in a Triton configuration: a GENERATIVE model needs an llmaos.v1.ModelConfig"
                            + " (its generation section)");
        }
        return c.build();
    }

    private static Engine engine(String backend, String platform) {
        String b = backend.toLowerCase(Locale.ROOT);
        String p = platform.toLowerCase(Locale.ROOT);
        if (b.isEmpty() && p.isEmpty()) {
            return Engine.ENGINE_UNSPECIFIED;
        }
        if (b.equals("pytorch") || b.equals("libtorch") || p.equals("pytorch_libtorch")) {
            return Engine.PYTORCH;
        }
        if (b.equals("onnxruntime") || p.equals("onnxruntime_onnx")) {
            return Engine.ONNXRUNTIME;
        }
        if (b.equals("tensorflow") || p.equals("tensorflow_savedmodel")) {
            return Engine.TENSORFLOW;
        }
        throw unsupported(
                b.isEmpty() ? "platform" : "backend",
                "is not supported (pytorch, onnxruntime, tensorflow; platforms pytorch_libtorch, onnxruntime_onnx,"
                        + " tensorflow_savedmodel)");
    }

    private static int nonNegative(String field, int value) {
        if (value < 0) {
            throw unsupported(field, "must not be negative");
        }
        return value;
    }

    private static void batching(ModelDynamicBatching d, ModelConfig.Builder c) {
        DynamicBatching.Builder b = DynamicBatching.newBuilder()
                .setMaxQueueDelayUs(d.getMaxQueueDelayMicroseconds())
                .setPreserveOrdering(d.getPreserveOrdering());
        for (int i = 0; i < d.getPreferredBatchSizeCount(); i++) {
            b.addPreferredBatchSizes(
                    nonNegative("dynamic_batching.preferred_batch_size[" + i + "]", d.getPreferredBatchSize(i)));
        }
        c.setDynamicBatching(b);
        int levels = Math.max(1, d.getPriorityLevels());
        if (d.getPriorityLevels() == 0 && (d.getDefaultPriorityLevel() != 0 || d.getPriorityQueuePolicyCount() > 0)) {
            throw unsupported(
                    "dynamic_batching.priority_levels",
                    "must be set when default_priority_level or priority_queue_policy is");
        }
        QueuePolicy.Builder q = QueuePolicy.newBuilder().setDefaultPriority(d.getDefaultPriorityLevel());
        for (int level = 1; level <= levels; level++) {
            ModelQueuePolicy p = d.getPriorityQueuePolicyOrDefault(level, d.getDefaultQueuePolicy());
            PriorityLevel.Builder l = PriorityLevel.newBuilder()
                    .setLevel(level)
                    .setMaxQueueSize(p.getMaxQueueSize())
                    .setTimeoutAction(
                            p.getTimeoutAction() == ModelQueuePolicy.TimeoutAction.DELAY
                                    ? TimeoutAction.DELAY
                                    : TimeoutAction.REJECT)
                    .setAllowTimeoutOverride(p.getAllowTimeoutOverride());
            if (p.getDefaultTimeoutMicroseconds() > 0) {
                long us = p.getDefaultTimeoutMicroseconds();
                l.setDefaultTimeout(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(us / 1_000_000)
                        .setNanos((int) (us % 1_000_000) * 1000));
            }
            q.addLevels(l);
        }
        for (int level : d.getPriorityQueuePolicyMap().keySet()) {
            if (level < 1 || level > levels) {
                throw unsupported(
                        "dynamic_batching.priority_queue_policy[" + level + "]",
                        "names a level beyond priority_levels");
            }
        }
        c.setQueue(q);
    }

    private static void instances(List<ModelInstanceGroup> groups, ModelConfig.Builder c) {
        int count = 0;
        for (int i = 0; i < groups.size(); i++) {
            ModelInstanceGroup g = groups.get(i);
            String field = "instance_group[" + i + "]";
            if (g.getKind() != ModelInstanceGroup.Kind.KIND_CPU && g.getKind() != ModelInstanceGroup.Kind.KIND_AUTO) {
                throw unsupported(field + ".kind", "must be KIND_CPU or KIND_AUTO: LLMA OS places instances itself");
            }
            if (g.getGpusCount() > 0) {
                throw unsupported(field + ".gpus", "is not supported: LLMA OS places instances itself");
            }
            if (g.getPassive()) {
                throw unsupported(field + ".passive", "is not supported");
            }
            count += Math.max(1, nonNegative(field + ".count", g.getCount()));
        }
        if (count > 0) {
            c.setInstances(InstancePolicy.newBuilder().setMin(count).setMax(count));
        }
    }

    private static VersionPolicy versionPolicy(io.llmaos.proto.oip.ModelVersionPolicy p) {
        VersionPolicy.Builder b = VersionPolicy.newBuilder();
        switch (p.getPolicyChoiceCase()) {
            case ALL -> b.setAll(VersionPolicy.All.getDefaultInstance());
            case SPECIFIC ->
                b.setSpecific(VersionPolicy.Specific.newBuilder()
                        .addAllVersions(p.getSpecific().getVersionsList()));
            default ->
                b.setLatest(VersionPolicy.Latest.newBuilder()
                        .setNumVersions(p.getLatest().getNumVersions()));
        }
        return b.build();
    }
}
