package io.llmaos.optimizer.space;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The configurations a search may try: the product of its dimensions' values, less the points that
 * cannot be valid (more minimum than maximum instances; preferred batch sizes above the largest batch).
 */
public record SearchSpace(List<Dimension> dimensions) {
    public SearchSpace {
        dimensions = List.copyOf(dimensions);
        if (dimensions.stream().map(Dimension::knob).distinct().count() != dimensions.size()) {
            throw new IllegalArgumentException("a setting is given twice");
        }
    }

    /** The knobs, in order. */
    public List<Knob> knobs() {
        return dimensions.stream().map(Dimension::knob).toList();
    }

    /** Points in the product, valid or not. */
    public long size() {
        long n = 1;
        for (Dimension d : dimensions) {
            n = Math.multiplyExact(n, d.values().size());
        }
        return n;
    }

    /** The point at {@code index} (one value index per dimension). */
    public Point at(int[] index) {
        Map<Knob, Object> values = new EnumMap<>(Knob.class);
        for (int i = 0; i < dimensions.size(); i++) {
            values.put(dimensions.get(i).knob(), dimensions.get(i).values().get(index[i]));
        }
        return new Point(values);
    }

    /** Every valid point, the first dimension varying slowest. */
    public List<Point> all() {
        List<Point> points = new ArrayList<>();
        int[] index = new int[dimensions.size()];
        for (long n = 0; n < size(); n++) {
            Point p = at(index);
            if (valid(p)) {
                points.add(p);
            }
            for (int d = dimensions.size() - 1; d >= 0; d--) {
                if (++index[d] < dimensions.get(d).values().size()) {
                    break;
                }
                index[d] = 0;
            }
        }
        return points;
    }

    /** The point nearest {@code p} in each dimension (where a search starting from "today" starts). */
    public int[] nearest(Point p) {
        int[] index = new int[dimensions.size()];
        for (int i = 0; i < dimensions.size(); i++) {
            Object v = p.get(dimensions.get(i).knob());
            index[i] = v == null ? 0 : dimensions.get(i).nearest(v);
        }
        return index;
    }

    /** A random index. */
    public int[] random(RandomGenerator random) {
        int[] index = new int[dimensions.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = random.nextInt(dimensions.get(i).values().size());
        }
        return index;
    }

    /** Whether {@code p} can be a valid config (the server would refuse the others). */
    public static boolean valid(Point p) {
        Object min = p.get(Knob.INSTANCES_MIN);
        Object max = p.get(Knob.INSTANCES_MAX);
        if (min != null && max != null && (Long) min > (Long) max) {
            return false;
        }
        Object batch = p.get(Knob.MAX_BATCH_SIZE);
        Object preferred = p.get(Knob.PREFERRED_BATCH_SIZES);
        if (batch != null && preferred != null) {
            for (Object size : (List<?>) preferred) {
                if ((Long) size > (Long) batch) {
                    return false;
                }
            }
        }
        return true;
    }

    /** "3 x 2 x 2 = 12 points (10 valid)". */
    public String describe() {
        List<String> sizes =
                dimensions.stream().map(d -> String.valueOf(d.values().size())).toList();
        return String.join(" x ", sizes) + " = " + size() + " points (" + all().size() + " valid)";
    }
}
