package io.llmaos.optimizer.space;

import io.llmaos.proto.v1.Engine;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One setting the optimizer can vary: where it lives (a field of the model's {@code config.json}, an
 * engine option in its {@code parameters}, or a flag of the server process), how its values are
 * written on the command line and in a space file, and which models it applies to.
 */
public enum Knob {
    MAX_BATCH_SIZE("max_batch_size", Kind.INT, Scope.MODEL),
    /** A list of sizes per value; "none" is the empty list. */
    PREFERRED_BATCH_SIZES("preferred_batch_sizes", Kind.INT_LIST, Scope.MODEL),
    /** Microseconds; written as a duration (0, 500us, 2ms). */
    MAX_QUEUE_DELAY("max_queue_delay", Kind.DURATION_US, Scope.MODEL),
    INSTANCES_MIN("instances_min", Kind.INT, Scope.MODEL),
    INSTANCES_MAX("instances_max", Kind.INT, Scope.MODEL),
    THREADS_PER_INSTANCE("threads_per_instance", Kind.INT, Scope.MODEL),
    /** The engine's intra-op threads (ONNX Runtime's session, libtorch's per calling thread). */
    INTRA_OP_THREADS("intra_op_threads", Kind.INT, Scope.MODEL),
    /** ONNX Runtime's graph optimisation level. */
    ONNX_OPT_LEVEL("onnx_opt_level", Kind.WORD, Scope.MODEL),
    /** TorchScript's graph-executor optimisation. */
    PYTORCH_GRAPH_OPTIMIZER("pytorch_graph_optimizer", Kind.BOOL, Scope.MODEL),
    /** libtorch's inter-op threads: process-wide, so a server flag (varied only on a server the optimizer starts). */
    PYTORCH_INTEROP_THREADS("pytorch_interop_threads", Kind.INT, Scope.SERVER),
    MAX_ACTIVE_SEQUENCES("max_active_sequences", Kind.INT, Scope.MODEL),
    MAX_CACHED_TOKENS("max_cached_tokens", Kind.INT, Scope.MODEL);

    /** How a knob's values are written and read. */
    public enum Kind {
        INT,
        INT_LIST,
        DURATION_US,
        WORD,
        BOOL
    }

    /** Where a knob's value goes. */
    public enum Scope {
        /** the model's config (applied by LoadModel with an override) */
        MODEL,
        /** a flag of the server process (applied by restarting a server the optimizer started) */
        SERVER
    }

    static final List<String> OPT_LEVELS = List.of("NO_OPT", "BASIC_OPT", "EXTENDED_OPT", "ALL_OPT");

    private final String key;
    private final Kind kind;
    private final Scope scope;

    Knob(String key, Kind kind, Scope scope) {
        this.key = key;
        this.kind = kind;
        this.scope = scope;
    }

    /** Its name in a space file, a report and a flag ({@code max_batch_size}, {@code --max-batch-size}). */
    public String key() {
        return key;
    }

    public String flag() {
        return "--" + key.replace('_', '-');
    }

    public Kind kind() {
        return kind;
    }

    public Scope scope() {
        return scope;
    }

    /** The knob named {@code key} (a space file's key, or a flag's name without dashes). */
    public static Knob of(String key) {
        String k = key.trim().replace('-', '_').toLowerCase(Locale.ROOT);
        for (Knob knob : values()) {
            if (knob.key.equals(k)) {
                return knob;
            }
        }
        throw new IllegalArgumentException("no setting is called " + key + "; the settings are " + keys());
    }

    static String keys() {
        List<String> keys = new ArrayList<>();
        for (Knob k : values()) {
            keys.add(k.key);
        }
        return String.join(", ", keys);
    }

    /** Whether the knob means something for a model with {@code config}. */
    public boolean appliesTo(ModelConfig config) {
        boolean generative = config.getKind() == ModelKind.GENERATIVE;
        return switch (this) {
            case MAX_BATCH_SIZE, PREFERRED_BATCH_SIZES, MAX_QUEUE_DELAY -> !generative;
            case ONNX_OPT_LEVEL -> config.getEngine() == Engine.ONNXRUNTIME;
            case PYTORCH_GRAPH_OPTIMIZER, PYTORCH_INTEROP_THREADS -> config.getEngine() == Engine.PYTORCH;
            case INTRA_OP_THREADS -> config.getEngine() != Engine.TENSORFLOW;
            case MAX_ACTIVE_SEQUENCES, MAX_CACHED_TOKENS -> generative;
            default -> true;
        };
    }

    /** One value from its text: a number, a duration, a word, a boolean, or sizes joined by '+' ("none" for none). */
    public Object parse(String text) {
        String t = text.trim();
        try {
            return switch (kind) {
                case INT -> {
                    long v = Long.parseLong(t);
                    if (v < 0) {
                        throw new IllegalArgumentException(key + " cannot be negative: " + t);
                    }
                    yield v;
                }
                case INT_LIST -> sizes(t);
                case DURATION_US -> micros(t);
                case WORD -> {
                    String w = t.toUpperCase(Locale.ROOT);
                    if (!OPT_LEVELS.contains(w)) {
                        throw new IllegalArgumentException(
                                key + " takes " + String.join(", ", OPT_LEVELS) + ", not " + t);
                    }
                    yield w;
                }
                case BOOL -> {
                    String b = t.toLowerCase(Locale.ROOT);
                    if (!b.equals("true") && !b.equals("false") && !b.equals("on") && !b.equals("off")) {
                        throw new IllegalArgumentException(key + " takes true or false, not " + t);
                    }
                    yield b.equals("true") || b.equals("on");
                }
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: " + t);
        }
    }

    /** A value read from a JSON or YAML space file (a number, string, boolean, or a list of sizes). */
    public Object fromJson(Object value) {
        if (value instanceof List<?> list) {
            if (kind != Kind.INT_LIST) {
                throw new IllegalArgumentException(key + " takes single values, not a list");
            }
            List<Long> sizes = new ArrayList<>();
            for (Object o : list) {
                sizes.add((Long) Knob.MAX_BATCH_SIZE.parse(String.valueOf(o)));
            }
            return List.copyOf(sizes);
        }
        return parse(String.valueOf(value));
    }

    /** How a value reads in a report and on the command line. */
    public String format(Object value) {
        if (value == null) {
            return "-";
        }
        return switch (kind) {
            case INT_LIST -> {
                List<?> sizes = (List<?>) value;
                yield sizes.isEmpty()
                        ? "none"
                        : String.join("+", sizes.stream().map(String::valueOf).toList());
            }
            case DURATION_US -> {
                long us = (Long) value;
                yield us == 0 ? "0" : us % 1000 == 0 ? us / 1000 + "ms" : us + "us";
            }
            default -> String.valueOf(value);
        };
    }

    private List<Long> sizes(String t) {
        if (t.isEmpty() || t.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Long> sizes = new ArrayList<>();
        for (String s : t.split("\\+")) {
            long v = Long.parseLong(s.trim());
            if (v < 1) {
                throw new IllegalArgumentException(key + ": a batch size is at least 1: " + t);
            }
            sizes.add(v);
        }
        return List.copyOf(sizes);
    }

    /** A duration in microseconds: a plain number is microseconds; else us, ms or s as a metric's bound is written. */
    static long micros(String t) {
        long us = t.chars().allMatch(Character::isDigit)
                ? Long.parseLong(t)
                : Math.round(io.llmaos.optimizer.objective.Metric.P99.parse(t));
        if (us < 0) {
            throw new IllegalArgumentException("a delay cannot be negative: " + t);
        }
        return us;
    }
}
