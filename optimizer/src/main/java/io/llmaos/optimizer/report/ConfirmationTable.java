package io.llmaos.optimizer.report;

import io.llmaos.optimizer.Confirmed;
import io.llmaos.optimizer.Outcome;
import io.llmaos.optimizer.objective.Metric;
import io.llmaos.optimizer.trial.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The finalists measured again, as rows of text: each one's measurements and their mean, and the verdict on it. */
final class ConfirmationTable {
    private ConfirmationTable() {}

    static List<String> header() {
        return List.of(
                "trial", "config", "each (req/s, or tokens/s)", "mean req/s", "mean p99", "mean tokens/s", "verdict");
    }

    static List<List<String>> rows(Outcome o) {
        List<List<String>> rows = new ArrayList<>();
        for (Confirmed c : o.confirmed()) {
            List<String> each = new ArrayList<>();
            List<Trial> all = new ArrayList<>(List.of(c.trial()));
            all.addAll(c.repeats());
            for (Trial t : all) {
                each.add(
                        t.chosen() == null
                                ? t.outcome()
                                : String.format(Locale.ROOT, "%.0f", Pareto.throughput(t.chosen())));
            }
            String label = c.trial().number()
                    + (c.trial().baseline() ? " (today)" : "")
                    + (c.trial() == o.best() ? " (best)" : "");
            rows.add(List.of(
                    label,
                    c.trial().point().describe(),
                    String.join(", ", each),
                    Metric.THROUGHPUT.format(c.mean().throughput()),
                    Metric.P99.format(c.mean().p99Us()),
                    c.mean().generative() ? Metric.TOKENS_PER_S.format(c.mean().tokensPerS()) : "-",
                    c.verdict().feasible()
                            ? "ok"
                            : "breaks " + String.join(", ", c.verdict().broken())));
        }
        return rows;
    }
}
