package io.llmaos.optimizer.report;

import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.trial.Trial;
import java.util.ArrayList;
import java.util.List;

/**
 * The Pareto front of the measured trials over throughput (higher is better; tokens per second for a
 * generation), p99 latency (lower; TTFT's p99 for a generation) and memory (lower): the trials no
 * other trial matches or beats on all three while beating on one.
 */
public final class Pareto {
    private Pareto() {}

    /** The trials on the front, in their order. */
    public static List<Trial> front(List<Trial> trials) {
        List<Trial> measured = trials.stream()
                .filter(t -> t.status() == Trial.Status.MEASURED && t.chosen() != null)
                .toList();
        List<Trial> front = new ArrayList<>();
        for (Trial a : measured) {
            boolean dominated = false;
            for (Trial b : measured) {
                if (b != a && dominates(b.chosen(), a.chosen())) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(a);
            }
        }
        return front;
    }

    /** Throughput as the front counts it. */
    static double throughput(Measures m) {
        return m.generative() ? m.tokensPerS() : m.throughput();
    }

    /** Latency as the front counts it. */
    static double latency(Measures m) {
        return m.generative() ? m.ttftP99Us() : m.p99Us();
    }

    static boolean dominates(Measures a, Measures b) {
        double[] x = {throughput(a), -latency(a), -memory(a)};
        double[] y = {throughput(b), -latency(b), -memory(b)};
        boolean strictly = false;
        for (int i = 0; i < x.length; i++) {
            if (x[i] < y[i]) {
                return false;
            }
            strictly |= x[i] > y[i];
        }
        return strictly;
    }

    /** Memory, with "unknown" counted as no better than anything. */
    private static double memory(Measures m) {
        return m.memoryBytes() < 0 ? Double.MAX_VALUE : m.memoryBytes();
    }
}
