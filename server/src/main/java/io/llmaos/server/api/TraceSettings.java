package io.llmaos.server.api;

import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Triton's trace settings, validated and kept: trace_level, trace_rate, trace_count, log_frequency,
 * trace_mode and trace_file. trace_level and trace_rate drive request tracing: OFF samples no new
 * trace, TIMESTAMPS or TENSORS sample one request in trace_rate (spans carry timings, never tensors);
 * they start from --trace-sample-ratio. Turning tracing on needs somewhere to send the spans
 * (--otlp-endpoint): without it that is FAILED_PRECONDITION. trace_count and log_frequency are kept
 * and reported, not applied; a trace file is never written: only "" is accepted for trace_file.
 */
final class TraceSettings {
    private static final Map<String, List<String>> DEFAULTS = Map.of(
            "trace_level", List.of("OFF"),
            "trace_rate", List.of("1000"),
            "trace_count", List.of("-1"),
            "log_frequency", List.of("0"),
            "trace_mode", List.of("opentelemetry"),
            "trace_file", List.of(""));
    private static final Set<String> LEVELS = Set.of("OFF", "TIMESTAMPS", "TENSORS");

    private final Map<String, List<String>> values = new LinkedHashMap<>(DEFAULTS);
    private final RequestTracer tracer;

    /** Settings that start from {@code tracer}'s sampling, and set it. */
    TraceSettings(RequestTracer tracer) {
        this.tracer = tracer;
        double ratio = tracer.sampleRatio();
        if (ratio > 0) {
            values.put("trace_level", List.of("TIMESTAMPS"));
            values.put("trace_rate", List.of(String.valueOf(Math.max(1, Math.round(1 / ratio)))));
        }
    }

    /** Every setting with its values, by name. */
    synchronized Map<String, List<String>> get() {
        return Map.copyOf(values);
    }

    /**
     * Applies {@code changes} (a setting with no values goes back to its default) all or nothing:
     * INVALID_ARGUMENT for an unknown setting or a malformed value, and nothing changes.
     */
    synchronized Map<String, List<String>> update(Map<String, List<String>> changes) {
        Map<String, List<String>> next = new LinkedHashMap<>(values);
        changes.forEach((name, given) -> {
            String field = "settings[" + Echo.cut(name) + "]";
            if (!DEFAULTS.containsKey(name)) {
                throw new InvalidInputException(
                        field,
                        "is not a trace setting ("
                                + String.join(
                                        ", ",
                                        DEFAULTS.keySet().stream().sorted().toList()) + ")");
            }
            next.put(name, given.isEmpty() ? DEFAULTS.get(name) : check(name, given, field));
        });
        boolean off = next.get("trace_level").contains("OFF");
        long rate = Long.parseLong(next.get("trace_rate").get(0));
        double ratio = off || rate == 0 ? 0 : 1.0 / rate;
        if (ratio != tracer.sampleRatio()) {
            if (!tracer.exports()) {
                throw new io.llmaos.server.core.error.LlmaosException(
                        io.llmaos.server.core.error.ErrorCode.FAILED_PRECONDITION,
                        "request traces have nowhere to go: start the server with --otlp-endpoint (an OTLP collector)");
            }
            tracer.sampleRatio(ratio);
        }
        values.clear();
        values.putAll(next);
        return Map.copyOf(values);
    }

    private static List<String> check(String name, List<String> given, String field) {
        switch (name) {
            case "trace_level" -> {
                for (String v : given) {
                    if (!LEVELS.contains(v)) {
                        throw new InvalidInputException(field, "takes OFF, TIMESTAMPS and TENSORS");
                    }
                }
                if (given.contains("OFF") && given.size() > 1) {
                    throw new InvalidInputException(field, "OFF cannot be combined with other levels");
                }
            }
            case "trace_rate", "log_frequency" -> single(given, field, 0);
            case "trace_count" -> single(given, field, -1);
            case "trace_mode" -> {
                if (given.size() != 1 || !Set.of("triton", "opentelemetry").contains(given.get(0))) {
                    throw new InvalidInputException(field, "takes one of triton, opentelemetry");
                }
            }
            default -> {
                if (given.size() != 1 || !given.get(0).isEmpty()) {
                    throw new InvalidInputException(field, "only \"\" is accepted: LLMA OS writes no trace file");
                }
            }
        }
        return List.copyOf(given);
    }

    private static void single(List<String> given, String field, long min) {
        if (given.size() != 1) {
            throw new InvalidInputException(field, "takes one integer");
        }
        try {
            if (Long.parseLong(given.get(0)) >= min) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(field, "takes one integer of at least " + min);
    }
}
