package io.llmaos.optimizer.space;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link SearchSpace} from what the user gave (a YAML or JSON file of knob: values, and flags,
 * which win), or a default space for the model's kind where they gave none. A value list is written
 * {@code 8,32,64} on a flag or as a list in a file; {@code lo..hi} ranges (doubling for batch sizes,
 * sequences and cached tokens, else every whole number; {@code lo..hi:x4} or {@code lo..hi:+2} to say
 * the step); preferred batch sizes are written {@code 8+16}, {@code none} for none, values separated
 * by {@code ;} on the command line.
 */
public final class SpaceSpec {
    private static final int MAX_VALUES = 64;

    private SpaceSpec() {}

    /**
     * The space for a model with {@code config}: {@code file}'s knobs (null for none), then {@code flags}'
     * (the text given to each knob's flag), or the default space when neither names a knob. Knobs that
     * mean nothing for this model are refused.
     */
    public static SearchSpace of(ModelConfig config, Path file, Map<Knob, String> flags) throws IOException {
        Map<Knob, List<Object>> values = new EnumMap<>(Knob.class);
        if (file != null) {
            values.putAll(read(file));
        }
        flags.forEach((knob, text) -> values.put(knob, parse(knob, text)));
        if (values.isEmpty()) {
            values.putAll(defaults(config));
        }
        List<Dimension> dimensions = new ArrayList<>();
        values.forEach((knob, list) -> {
            if (!knob.appliesTo(config)) {
                throw new IllegalArgumentException(
                        knob.key() + " does not apply to a " + config.getKind() + " " + config.getEngine() + " model");
            }
            dimensions.add(new Dimension(knob, list));
        });
        return new SearchSpace(dimensions);
    }

    /** A knob's values from a flag's text. */
    public static List<Object> parse(Knob knob, String text) {
        String separator = knob.kind() == Knob.Kind.INT_LIST ? ";" : ",";
        List<Object> values = new ArrayList<>();
        for (String part : text.split(separator)) {
            if (part.isBlank()) {
                continue;
            }
            if (part.contains("..") && knob.kind() == Knob.Kind.INT) {
                values.addAll(range(knob, part.trim()));
            } else {
                values.add(knob.parse(part));
            }
        }
        return distinct(knob, values);
    }

    /** A YAML or JSON file's knobs (YAML is a superset of JSON: one reader takes both). */
    static Map<Knob, List<Object>> read(Path file) throws IOException {
        Map<?, ?> tree = new ObjectMapper(new YAMLFactory()).readValue(Files.readAllBytes(file), Map.class);
        Map<Knob, List<Object>> values = new EnumMap<>(Knob.class);
        if (tree == null) {
            return values;
        }
        tree.forEach((key, value) -> {
            Knob knob = Knob.of(String.valueOf(key));
            List<Object> list = new ArrayList<>();
            if (value instanceof List<?> items
                    && (knob.kind() != Knob.Kind.INT_LIST
                            || items.isEmpty()
                            || items.get(0) instanceof List<?>
                            || items.get(0) instanceof String)) {
                for (Object item : items) {
                    list.addAll(
                            item instanceof String s && s.contains("..") && knob.kind() == Knob.Kind.INT
                                    ? range(knob, s)
                                    : List.of(knob.fromJson(item)));
                }
            } else if (value instanceof String s && s.contains("..") && knob.kind() == Knob.Kind.INT) {
                list.addAll(range(knob, s));
            } else {
                list.add(knob.fromJson(value));
            }
            values.put(knob, distinct(knob, list));
        });
        return values;
    }

    private static List<Object> distinct(Knob knob, List<Object> values) {
        List<Object> unique = new ArrayList<>(new LinkedHashSet<>(values));
        if (unique.isEmpty()) {
            throw new IllegalArgumentException(knob.key() + " needs at least one value");
        }
        if (unique.size() > MAX_VALUES) {
            throw new IllegalArgumentException(knob.key() + " has " + unique.size() + " values; at most " + MAX_VALUES);
        }
        return unique;
    }

    /** {@code lo..hi[:xF|:+S]}. */
    static List<Object> range(Knob knob, String text) {
        String spec = text.trim();
        String step = null;
        int colon = spec.indexOf(':');
        if (colon > 0) {
            step = spec.substring(colon + 1).trim();
            spec = spec.substring(0, colon);
        }
        String[] ends = spec.split("\\.\\.");
        if (ends.length != 2) {
            throw new IllegalArgumentException(knob.key() + ": a range is written lo..hi, not " + text);
        }
        long lo = (Long) knob.parse(ends[0]);
        long hi = (Long) knob.parse(ends[1]);
        if (hi < lo) {
            throw new IllegalArgumentException(knob.key() + ": the range " + text + " is empty");
        }
        boolean doubling =
                knob == Knob.MAX_BATCH_SIZE || knob == Knob.MAX_ACTIVE_SEQUENCES || knob == Knob.MAX_CACHED_TOKENS;
        long factor = step == null ? (doubling ? 2 : 1) : step.startsWith("x") ? Long.parseLong(step.substring(1)) : 1;
        long add = step != null && step.startsWith("+") ? Long.parseLong(step.substring(1)) : 1;
        if (step != null && !step.startsWith("x") && !step.startsWith("+")) {
            throw new IllegalArgumentException(knob.key() + ": a range's step is xF or +S, not " + step);
        }
        if (factor < 1 || add < 1 || (factor > 1 && lo == 0)) {
            throw new IllegalArgumentException(knob.key() + ": the range " + text + " never ends");
        }
        List<Object> values = new ArrayList<>();
        for (long v = lo; v <= hi && values.size() <= MAX_VALUES; v = factor > 1 ? v * factor : v + add) {
            values.add(v);
        }
        return values;
    }

    /** What is searched when the user names no knob: the levers that matter most for the model's kind. */
    static Map<Knob, List<Object>> defaults(ModelConfig config) {
        Map<Knob, List<Object>> values = new EnumMap<>(Knob.class);
        if (config.getKind() == ModelKind.GENERATIVE) {
            values.put(Knob.MAX_ACTIVE_SEQUENCES, List.of(4L, 8L, 16L, 32L));
            if (Knob.PYTORCH_GRAPH_OPTIMIZER.appliesTo(config)) {
                values.put(Knob.PYTORCH_GRAPH_OPTIMIZER, List.of(true, false));
            }
            return values;
        }
        if (config.getMaxBatchSize() > 0) {
            values.put(Knob.MAX_BATCH_SIZE, List.of(1L, 8L, 32L, 64L));
            values.put(Knob.MAX_QUEUE_DELAY, List.of(0L, 1000L));
        } else {
            values.put(Knob.THREADS_PER_INSTANCE, List.of(1L, 2L));
        }
        values.put(Knob.INSTANCES_MAX, List.of(1L, 2L));
        return values;
    }
}
