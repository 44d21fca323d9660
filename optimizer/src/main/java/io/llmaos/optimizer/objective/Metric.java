package io.llmaos.optimizer.objective;

import java.util.Locale;

/** A measure a constraint bounds or J targets, with its unit and which way is better. */
public enum Metric {
    THROUGHPUT("throughput", true, Unit.RATE),
    P50("p50", false, Unit.TIME),
    P99("p99", false, Unit.TIME),
    MEMORY("memory", false, Unit.BYTES),
    TTFT("ttft", false, Unit.TIME),
    ITL("itl", false, Unit.TIME),
    TOKENS_PER_S("tokens_per_s", true, Unit.RATE);

    /** How a metric's values are written: per second, a duration (kept in microseconds), a size in bytes. */
    public enum Unit {
        RATE,
        TIME,
        BYTES
    }

    private final String key;
    private final boolean higherIsBetter;
    private final Unit unit;

    Metric(String key, boolean higherIsBetter, Unit unit) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
        this.unit = unit;
    }

    public String key() {
        return key;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The metric named {@code key} (throughput, p50, p99, memory, ttft, itl, tokens_per_s). */
    public static Metric of(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Metric m : values()) {
            if (m.key.equals(k)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no metric is called " + key
                + "; the metrics are throughput, p50, p99, memory, ttft, itl, tokens_per_s");
    }

    /** Its value in {@code m} (-1 when not measured). */
    public double of(Measures m) {
        return switch (this) {
            case THROUGHPUT -> m.throughput();
            case P50 -> m.p50Us();
            case P99 -> m.p99Us();
            case MEMORY -> m.memoryBytes();
            case TTFT -> m.ttftP99Us();
            case ITL -> m.itlP99Us();
            case TOKENS_PER_S -> m.tokensPerS();
        };
    }

    /** A value written in this metric's unit: 1500 or 1.5k per second, 20ms / 500us / 1s, 512MiB / 2GB. */
    public double parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            double v = switch (unit) {
                case RATE ->
                    t.endsWith("k") ? Double.parseDouble(t.substring(0, t.length() - 1)) * 1000 : Double.parseDouble(t);
                case TIME -> micros(t);
                case BYTES -> bytes(t);
            };
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(key + ": " + text + " is not a usable bound");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": cannot read " + text);
        }
    }

    /** How a value reads: "1234.5/s", "12.3ms", "45.6MiB". */
    public String format(double v) {
        if (v < 0) {
            return "-";
        }
        return switch (unit) {
            case RATE -> String.format(Locale.ROOT, "%.1f/s", v);
            case TIME ->
                v >= 1000 ? String.format(Locale.ROOT, "%.2fms", v / 1000) : String.format(Locale.ROOT, "%.0fus", v);
            case BYTES ->
                v < (1 << 20)
                        ? String.format(Locale.ROOT, "%.0fKiB", v / 1024)
                        : String.format(Locale.ROOT, "%.1fMiB", v / (1 << 20));
        };
    }

    private static double micros(String t) {
        if (t.endsWith("us")) {
            return Double.parseDouble(t.substring(0, t.length() - 2));
        }
        if (t.endsWith("ms")) {
            return Double.parseDouble(t.substring(0, t.length() - 2)) * 1e3;
        }
        if (t.endsWith("s")) {
            return Double.parseDouble(t.substring(0, t.length() - 1)) * 1e6;
        }
        throw new NumberFormatException("a duration needs a unit (us, ms, s)");
    }

    private static double bytes(String t) {
        String[][] units = {
            {"kib", "1024"},
            {"mib", "1048576"},
            {"gib", "1073741824"},
            {"kb", "1e3"},
            {"mb", "1e6"},
            {"gb", "1e9"},
            {"b", "1"}
        };
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                return Double.parseDouble(t.substring(0, t.length() - u[0].length())) * Double.parseDouble(u[1]);
            }
        }
        return Double.parseDouble(t);
    }
}
