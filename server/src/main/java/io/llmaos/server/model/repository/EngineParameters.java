package io.llmaos.server.model.repository;

import io.llmaos.server.core.error.FieldViolation;
import java.util.List;
import java.util.Set;

/**
 * The engine options a config's {@code parameters} may set, checked before any load (the others pass
 * to the engine as they are): {@code intraOpNumThreads} (ONNX Runtime's session and, per calling
 * thread, libtorch's; default {@code threads_per_instance} for ONNX Runtime and {@code --pytorch-threads}
 * for PyTorch) and {@code interOpNumThreads} (ONNX Runtime), 1 to
 * {@value ConfigLimits#MAX_THREADS_PER_INSTANCE}; {@code optLevel} (ONNX Runtime's graph optimisation:
 * NO_OPT, BASIC_OPT, EXTENDED_OPT, ALL_OPT); {@code graphExecutorOptimize} (TorchScript's graph-executor
 * optimisation, true or false).
 */
final class EngineParameters {
    static final Set<String> OPT_LEVELS = Set.of("NO_OPT", "BASIC_OPT", "EXTENDED_OPT", "ALL_OPT");

    private EngineParameters() {}

    /** Adds a violation when {@code key} is a known option and {@code value} not one of its values. */
    static void check(String key, String value, List<FieldViolation> v) {
        String field = "parameters[" + key + "]";
        switch (key) {
            case "intraOpNumThreads", "interOpNumThreads" -> {
                long n = integer(value);
                if (n < 1 || n > ConfigLimits.MAX_THREADS_PER_INSTANCE) {
                    v.add(new FieldViolation(
                            field, "must be a whole number from 1 to " + ConfigLimits.MAX_THREADS_PER_INSTANCE));
                }
            }
            case "optLevel" -> {
                if (!OPT_LEVELS.contains(value.trim())) {
                    v.add(new FieldViolation(field, "must be NO_OPT, BASIC_OPT, EXTENDED_OPT or ALL_OPT"));
                }
            }
            case "graphExecutorOptimize" -> {
                String b = value.trim();
                if (!b.equals("true") && !b.equals("false")) {
                    v.add(new FieldViolation(field, "must be true or false"));
                }
            }
            default -> {
                // an option of the engine's own, passed as it is
            }
        }
    }

    private static long integer(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
