package io.llmaos.optimizer.space;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One configuration of a search: a value for each knob varied (knobs left out keep the model's own). */
public record Point(Map<Knob, Object> values) {
    public Point {
        EnumMap<Knob, Object> copy = new EnumMap<>(Knob.class);
        copy.putAll(values);
        values = Collections.unmodifiableMap(copy);
    }

    public Object get(Knob knob) {
        return values.get(knob);
    }

    /** This point with {@code knob} set to {@code value}. */
    public Point with(Knob knob, Object value) {
        EnumMap<Knob, Object> copy = new EnumMap<>(Knob.class);
        copy.putAll(values);
        copy.put(knob, value);
        return new Point(copy);
    }

    /** The values of the server's flags among them (e.g. {@code --pytorch-interop-threads 2}). */
    public List<String> serverFlags() {
        return values.entrySet().stream()
                .filter(e -> e.getKey().scope() == Knob.Scope.SERVER)
                .flatMap(e ->
                        java.util.stream.Stream.of(e.getKey().flag(), e.getKey().format(e.getValue())))
                .toList();
    }

    /** "max_batch_size=32 max_queue_delay=1ms", in the knobs' order. */
    public String describe() {
        return values.entrySet().stream()
                .map(e -> e.getKey().key() + "=" + e.getKey().format(e.getValue()))
                .collect(Collectors.joining(" "));
    }

    @Override
    public String toString() {
        return describe();
    }
}
