package io.llmaos.optimizer.report;

import io.llmaos.loadtest.report.Html;
import io.llmaos.loadtest.report.Svg;
import io.llmaos.optimizer.Outcome;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.trial.Trial;
import io.llmaos.proto.v1.ModelConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** The search's report as one self-contained HTML page (inline SVG plots, no script, no network). */
final class OptimizerHtml {
    private OptimizerHtml() {}

    static String page(Outcome o, ModelConfig bestConfig) throws IOException {
        StringBuilder b = new StringBuilder(
                        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>llmaos optimize: ")
                .append(Html.escape(o.model()))
                .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
                        + "font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
                        + "td:first-child,th{text-align:left}tr.best{background:#e6f4e6}tr.bad{color:#999}"
                        + "pre{background:#f6f6f6;padding:1em}</style></head><body><h1>llmaos optimize: ")
                .append(Html.escape(o.model()))
                .append("</h1><ul>");
        OptimizerReport.summary(o)
                .forEach(l -> b.append("<li>").append(Html.escape(l)).append("</li>"));
        b.append("</ul>");
        OptimizerReport.verdict(o)
                .forEach(l -> b.append("<p><b>").append(Html.escape(l)).append("</b></p>"));
        boolean generative = TrialTable.generative(o);
        String throughput = generative ? "tokens/s" : "requests/s";
        b.append(plot(
                o,
                "Throughput against p99 latency",
                generative ? "TTFT p99 (ms)" : "p99 (ms)",
                throughput,
                m -> Pareto.latency(m) / 1000));
        b.append(
                plot(o, "Throughput against memory", "model memory (MiB)", throughput, m -> m.memoryBytes() / 1048576));
        b.append("<h2>Trials</h2><table><tr>");
        TrialTable.header(o)
                .forEach(h -> b.append("<th>").append(Html.escape(h)).append("</th>"));
        b.append("</tr>");
        List<List<String>> rows = TrialTable.rows(o);
        for (int i = 0; i < rows.size(); i++) {
            Trial t = o.trials().get(i);
            String css = t == o.best() ? " class=\"best\"" : t.feasible() ? "" : " class=\"bad\"";
            b.append("<tr").append(css).append('>');
            rows.get(i).forEach(c -> b.append("<td>").append(Html.escape(c)).append("</td>"));
            b.append("</tr>");
        }
        b.append("</table>");
        if (!o.confirmed().isEmpty()) {
            b.append("<h2>Finalists measured again</h2><table><tr>");
            ConfirmationTable.header()
                    .forEach(h -> b.append("<th>").append(Html.escape(h)).append("</th>"));
            b.append("</tr>");
            for (List<String> row : ConfirmationTable.rows(o)) {
                b.append("<tr>");
                row.forEach(c -> b.append("<td>").append(Html.escape(c)).append("</td>"));
                b.append("</tr>");
            }
            b.append("</table>");
        }
        if (bestConfig != null) {
            b.append("<h2>Best configuration (config.json)</h2><pre>")
                    .append(Html.escape(io.llmaos.optimizer.apply.ConfigWriter.text(bestConfig)))
                    .append("</pre>");
        }
        return b.append("</body></html>\n").toString();
    }

    /** A scatter of throughput against {@code x}: today, the best, the Pareto front, the rest kept and broken. */
    private static String plot(Outcome o, String title, String xLabel, String yLabel, ToDoubleFunction<Measures> x) {
        Set<Trial> front = Set.copyOf(Pareto.front(o.trials()));
        List<double[]> today = new ArrayList<>();
        List<double[]> best = new ArrayList<>();
        List<double[]> pareto = new ArrayList<>();
        List<double[]> kept = new ArrayList<>();
        List<double[]> broke = new ArrayList<>();
        for (Trial t : o.trials()) {
            Measures m = t.chosen();
            if (m == null || x.applyAsDouble(m) < 0) {
                continue;
            }
            double[] p = {x.applyAsDouble(m), Pareto.throughput(m)};
            if (t.baseline()) {
                today.add(p);
            } else if (t == o.best()) {
                best.add(p);
            } else if (front.contains(t)) {
                pareto.add(p);
            } else if (t.feasible()) {
                kept.add(p);
            } else {
                broke.add(p);
            }
        }
        return Svg.points(
                title,
                xLabel,
                yLabel,
                List.of(
                        new Svg.Series("today", today),
                        new Svg.Series("best", best),
                        new Svg.Series("Pareto front", pareto),
                        new Svg.Series("kept the constraints", kept),
                        new Svg.Series("broke a constraint", broke)));
    }
}
