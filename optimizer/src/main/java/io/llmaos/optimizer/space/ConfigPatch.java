package io.llmaos.optimizer.space;

import io.llmaos.proto.v1.ModelConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Point} into a model's config (what LoadModel's override and {@code --apply} carry)
 * and reads a config's own value of each knob (the search's starting point and the report's "today").
 */
public final class ConfigPatch {
    static final String INTRA_OP = "intraOpNumThreads";
    static final String OPT_LEVEL = "optLevel";
    static final String GRAPH_OPTIMIZE = "graphExecutorOptimize";

    private ConfigPatch() {}

    /** {@code base} with the model knobs of {@code point} set (server knobs are flags, not config). */
    public static ModelConfig apply(ModelConfig base, Point point) {
        ModelConfig.Builder c = base.toBuilder();
        point.values().forEach((knob, value) -> set(c, knob, value));
        return c.build();
    }

    private static void set(ModelConfig.Builder c, Knob knob, Object value) {
        switch (knob) {
            case MAX_BATCH_SIZE -> c.setMaxBatchSize(Math.toIntExact((Long) value));
            case PREFERRED_BATCH_SIZES -> {
                c.getDynamicBatchingBuilder().clearPreferredBatchSizes();
                for (Object size : (List<?>) value) {
                    c.getDynamicBatchingBuilder().addPreferredBatchSizes(Math.toIntExact((Long) size));
                }
            }
            case MAX_QUEUE_DELAY -> c.getDynamicBatchingBuilder().setMaxQueueDelayUs((Long) value);
            case INSTANCES_MIN -> c.getInstancesBuilder().setMin(Math.toIntExact((Long) value));
            case INSTANCES_MAX -> c.getInstancesBuilder().setMax(Math.toIntExact((Long) value));
            case THREADS_PER_INSTANCE -> c.getInstancesBuilder().setThreadsPerInstance(Math.toIntExact((Long) value));
            case INTRA_OP_THREADS -> {
                c.putParameters(INTRA_OP, String.valueOf(value));
                // the engine threads an instance holds, as the thread budget counts them
                c.getInstancesBuilder().setThreadsPerInstance(Math.toIntExact((Long) value));
            }
            case ONNX_OPT_LEVEL -> c.putParameters(OPT_LEVEL, (String) value);
            case PYTORCH_GRAPH_OPTIMIZER -> c.putParameters(GRAPH_OPTIMIZE, String.valueOf(value));
            case MAX_ACTIVE_SEQUENCES -> c.getGenerationBuilder().setMaxActiveSequences(Math.toIntExact((Long) value));
            case MAX_CACHED_TOKENS -> c.getGenerationBuilder().setMaxCachedTokens((Long) value);
            case PYTORCH_INTEROP_THREADS -> {
                // a server flag: not part of the model's config
            }
        }
    }

    /**
     * The value {@code config} has for {@code knob} as the server reads it (defaults filled in), or
     * null for a server knob, whose value the config does not hold.
     */
    public static Object current(ModelConfig config, Knob knob) {
        return switch (knob) {
            case MAX_BATCH_SIZE -> (long) config.getMaxBatchSize();
            case PREFERRED_BATCH_SIZES ->
                config.getDynamicBatching().getPreferredBatchSizesList().stream()
                        .map(Integer::longValue)
                        .toList();
            case MAX_QUEUE_DELAY -> config.getDynamicBatching().getMaxQueueDelayUs();
            case INSTANCES_MIN -> (long) Math.max(1, config.getInstances().getMin());
            case INSTANCES_MAX ->
                (long) Math.max(
                        Math.max(1, config.getInstances().getMin()),
                        config.getInstances().getMax());
            case THREADS_PER_INSTANCE ->
                (long) Math.max(1, config.getInstances().getThreadsPerInstance());
            case INTRA_OP_THREADS ->
                config.getParametersMap().containsKey(INTRA_OP)
                        ? Long.parseLong(config.getParametersMap().get(INTRA_OP).trim())
                        : (long) Math.max(1, config.getInstances().getThreadsPerInstance());
            case ONNX_OPT_LEVEL -> config.getParametersMap().getOrDefault(OPT_LEVEL, "ALL_OPT");
            case PYTORCH_GRAPH_OPTIMIZER ->
                Boolean.parseBoolean(config.getParametersMap().getOrDefault(GRAPH_OPTIMIZE, "true"));
            case MAX_ACTIVE_SEQUENCES -> (long) config.getGeneration().getMaxActiveSequences();
            case MAX_CACHED_TOKENS -> config.getGeneration().getMaxCachedTokens();
            case PYTORCH_INTEROP_THREADS -> null;
        };
    }

    /** The point {@code config} stands at, over {@code knobs}. */
    public static Point current(ModelConfig config, List<Knob> knobs) {
        Map<Knob, Object> values = new EnumMap<>(Knob.class);
        for (Knob k : knobs) {
            Object v = current(config, k);
            if (v != null) {
                values.put(k, v);
            }
        }
        return new Point(values);
    }

    /** What {@code to} changes from {@code from}: "knob: old -> new" for each knob whose value differs. */
    public static List<String> diff(Point from, Point to) {
        List<String> changes = new ArrayList<>();
        to.values().forEach((knob, value) -> {
            Object old = from.get(knob);
            if (!value.equals(old)) {
                changes.add(knob.key() + ": " + knob.format(old) + " -> " + knob.format(value));
            }
        });
        return changes;
    }
}
