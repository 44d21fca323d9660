package io.llmaos.optimizer.objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a search maximises, as a score where higher is better: throughput (tokens per second for a
 * generative model), latency (the p99, or the p99 TTFT for a generative model; the score is its
 * negative), or the seed's J = sum_i (p_i (x_i - mu_i))^2 over the goals, each metric normalised by its
 * target (x_i / mu_i against 1), so a millisecond and a thousand requests per second weigh alike;
 * the score is -J. J counts a miss either way, as the seed defines it: a bound on one side is a
 * constraint.
 */
public sealed interface Objective {
    /** The score of {@code m} (higher is better). */
    double score(Measures m);

    /** How it reads in a report. */
    String describe();

    /** The metric a report shows beside the score. */
    Metric headline(boolean generative);

    /** Throughput: requests per second, or tokens per second for a generation. */
    record Throughput() implements Objective {
        @Override
        public double score(Measures m) {
            return m.generative() ? m.tokensPerS() : m.throughput();
        }

        @Override
        public String describe() {
            return "throughput (maximised)";
        }

        @Override
        public Metric headline(boolean generative) {
            return generative ? Metric.TOKENS_PER_S : Metric.THROUGHPUT;
        }
    }

    /** Latency: the p99 (TTFT's p99 for a generation), minimised. */
    record Latency() implements Objective {
        @Override
        public double score(Measures m) {
            return -(m.generative() ? m.ttftP99Us() : m.p99Us());
        }

        @Override
        public String describe() {
            return "p99 latency (minimised)";
        }

        @Override
        public Metric headline(boolean generative) {
            return generative ? Metric.TTFT : Metric.P99;
        }
    }

    /** The seed's J over {@code goals}, minimised. */
    record J(List<Goal> goals) implements Objective {
        public J {
            goals = List.copyOf(goals);
            if (goals.isEmpty()) {
                throw new IllegalArgumentException("J needs targets, e.g. --target p99=10ms:2,throughput=2000:1");
            }
        }

        @Override
        public double score(Measures m) {
            return -value(m);
        }

        /** J of {@code m}, each metric normalised by its target. */
        public double value(Measures m) {
            double[] p = new double[goals.size()];
            double[] x = new double[goals.size()];
            double[] mu = new double[goals.size()];
            for (int i = 0; i < goals.size(); i++) {
                Goal g = goals.get(i);
                double v = g.metric().of(m);
                p[i] = g.weight();
                // a metric not measured counts as missing its target by all of it
                x[i] = v < 0 ? 0 : v / g.target();
                mu[i] = 1;
            }
            return seed(p, x, mu);
        }

        /** The seed's formula as written: J = sum_i (p_i (x_i - mu_i))^2. */
        public static double seed(double[] p, double[] x, double[] mu) {
            double j = 0;
            for (int i = 0; i < p.length; i++) {
                double term = p[i] * (x[i] - mu[i]);
                j += term * term;
            }
            return j;
        }

        @Override
        public String describe() {
            List<String> terms = new ArrayList<>();
            for (Goal g : goals) {
                terms.add(String.format(
                        Locale.ROOT,
                        "(%s (%s/%s - 1))^2",
                        fmt(g.weight()),
                        g.metric().key(),
                        g.metric().format(g.target())));
            }
            return "J = " + String.join(" + ", terms) + " (minimised)";
        }

        @Override
        public Metric headline(boolean generative) {
            return goals.get(0).metric();
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }
    }

    /** {@code --objective} (throughput, latency or J) with {@code --target} goals for J. */
    static Objective parse(String name, String goals) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "throughput" -> new Throughput();
            case "latency" -> new Latency();
            case "j" -> new J(goals(goals == null ? "" : goals));
            default -> throw new IllegalArgumentException("--objective takes throughput, latency or J, not " + name);
        };
    }

    /** "p99=10ms:2,throughput=2000:1": a target per metric, and its weight after ':' (default 1). */
    static List<Goal> goals(String text) {
        List<Goal> goals = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a target is written metric=value[:weight], not " + part.trim());
            }
            Metric metric = Metric.of(part.substring(0, eq));
            String rest = part.substring(eq + 1);
            int colon = rest.lastIndexOf(':');
            double weight = 1;
            if (colon >= 0) {
                try {
                    weight = Double.parseDouble(rest.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "not a weight: " + rest.substring(colon + 1).trim());
                }
                rest = rest.substring(0, colon);
            }
            goals.add(new Goal(metric, metric.parse(rest), weight));
        }
        return goals;
    }
}
