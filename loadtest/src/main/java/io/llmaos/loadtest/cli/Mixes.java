package io.llmaos.loadtest.cli;

import io.llmaos.loadtest.tool.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Parses the command's mixes ({@code 1:0.1,2:0.9}), durations ({@code 5s}, {@code 500ms}) and shares ({@code 10%}). */
public final class Mixes {
    private Mixes() {}

    static List<Workload.Weighted<Integer>> priorities(String text) {
        List<Workload.Weighted<Integer>> out = new ArrayList<>();
        for (String[] pair : pairs(text, "--priority-mix")) {
            try {
                int p = Integer.parseInt(pair[0]);
                if (p < 0) {
                    throw new NumberFormatException();
                }
                out.add(new Workload.Weighted<>(p, weight(pair[1], "--priority-mix")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--priority-mix: '" + pair[0] + "' is not a priority (0, 1, 2, ...)");
            }
        }
        return out;
    }

    static List<Workload.Weighted<String>> tenants(String text) {
        List<Workload.Weighted<String>> out = new ArrayList<>();
        for (String[] pair : pairs(text, "--tenant-mix")) {
            out.add(new Workload.Weighted<>(pair[0], weight(pair[1], "--tenant-mix")));
        }
        return out;
    }

    private static List<String[]> pairs(String text, String flag) {
        List<String[]> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0 || colon == part.length() - 1) {
                throw new IllegalArgumentException(flag + ": '" + part + "' is not NAME:WEIGHT");
            }
            out.add(new String[] {
                part.substring(0, colon).strip(), part.substring(colon + 1).strip()
            });
        }
        return out;
    }

    private static double weight(String text, String flag) {
        try {
            double w = Double.parseDouble(text);
            if (w > 0) {
                return w;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + ": the weight '" + text + "' must be a number above 0");
    }

    /** {@code 5s}, {@code 500ms}, {@code 2m}, or a bare number of seconds. */
    public static Duration duration(String text, String flag) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))), flag);
            }
            if (t.endsWith("s")) {
                return positive(
                        Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000)), flag);
            }
            if (t.endsWith("m")) {
                return positive(Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60), flag);
            }
            return positive(Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000)), flag);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not a duration such as 5s or 500ms");
        }
    }

    private static Duration positive(Duration d, String flag) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(flag + " cannot be negative");
        }
        return d;
    }

    /** {@code 10%} or {@code 0.1}. */
    static double share(String text) {
        return share(text, "--stability");
    }

    /** {@code 10%} or {@code 0.1}: a share between 0 and 1 given to {@code flag}. */
    public static double share(String text, String flag) {
        String t = text.strip();
        try {
            double v =
                    t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100 : Double.parseDouble(t);
            if (v > 0 && v < 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + ": '" + text + "' must be a share such as 10% or 0.1");
    }
}
