package io.llmaos.optimizer.space;

import java.util.List;

/** A knob and the values the search may give it, in order (one value = fixed). */
public record Dimension(Knob knob, List<Object> values) {
    public Dimension {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException(knob.key() + " needs at least one value");
        }
        if (values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException(knob.key() + " lists a value twice");
        }
    }

    /** Whether the search varies it. */
    public boolean ranged() {
        return values.size() > 1;
    }

    /** The index of the value nearest {@code value} (numbers by distance; others equal or the first). */
    public int nearest(Object value) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v.equals(value)) {
                return i;
            }
            if (v instanceof Long a && value instanceof Long b) {
                double distance = Math.abs(Math.log(1.0 + a) - Math.log(1.0 + b));
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = i;
                }
            }
        }
        return best;
    }
}
