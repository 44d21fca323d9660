package io.llmaos.optimizer.report;

import io.llmaos.optimizer.Outcome;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.objective.Metric;
import io.llmaos.optimizer.objective.Objective;
import io.llmaos.optimizer.space.Knob;
import io.llmaos.optimizer.trial.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Every trial as rows of text (config, measures, verdict), the one table the Markdown and HTML reports print. */
final class TrialTable {
    private TrialTable() {}

    static boolean generative(Outcome o) {
        return o.trials().stream()
                .anyMatch(t -> t.chosen() != null && t.chosen().generative());
    }

    static List<String> header(Outcome o) {
        List<String> h = new ArrayList<>(List.of("#"));
        for (Knob k : o.space().knobs()) {
            h.add(k.key());
        }
        h.addAll(List.of("outcome", "load", "req/s", "p50", "p99", "memory"));
        if (generative(o)) {
            h.addAll(List.of("tokens/s", "TTFT p99", "ITL p99"));
        }
        h.addAll(List.of(o.judge().objective() instanceof Objective.J ? "J" : "score", "Pareto", "s"));
        return h;
    }

    static List<List<String>> rows(Outcome o) {
        Set<Trial> front = Set.copyOf(Pareto.front(o.trials()));
        Trial best = o.best();
        boolean generative = generative(o);
        List<List<String>> rows = new ArrayList<>();
        for (Trial t : o.trials()) {
            List<String> r = new ArrayList<>();
            r.add(t.number() + (t.baseline() ? " (today)" : "") + (t == best ? " (best)" : ""));
            for (Knob k : o.space().knobs()) {
                r.add(k.format(t.point().get(k)));
            }
            r.add(t.outcome() + (t.note().isEmpty() ? "" : ": " + t.note()));
            Measures m = t.chosen();
            if (m == null) {
                int blanks = 5 + (generative ? 3 : 0) + 1;
                for (int i = 0; i < blanks; i++) {
                    r.add("-");
                }
                r.add("");
            } else {
                r.add(level(m));
                r.add(Metric.THROUGHPUT.format(m.throughput()));
                r.add(Metric.P50.format(m.p50Us()));
                r.add(Metric.P99.format(m.p99Us()));
                r.add(Metric.MEMORY.format(m.memoryBytes()));
                if (generative) {
                    r.add(Metric.TOKENS_PER_S.format(m.tokensPerS()));
                    r.add(Metric.TTFT.format(m.ttftP99Us()));
                    r.add(Metric.ITL.format(m.itlP99Us()));
                }
                r.add(score(o, t));
                r.add(front.contains(t) ? "yes" : "");
            }
            r.add(String.format(Locale.ROOT, "%.1f", t.seconds()));
            rows.add(r);
        }
        return rows;
    }

    /** The score as the objective reads: J itself, or the headline metric. */
    static String score(Outcome o, Trial t) {
        if (t.verdict() == null) {
            return "-";
        }
        double s = t.verdict().score();
        if (o.judge().objective() instanceof Objective.J) {
            return String.format(Locale.ROOT, "%.4f", -s);
        }
        Metric headline = o.judge().objective().headline(t.chosen().generative());
        return headline.format(Math.abs(s));
    }

    static String level(Measures m) {
        return m.level() == Math.rint(m.level()) ? String.valueOf((long) m.level()) : String.valueOf(m.level());
    }
}
