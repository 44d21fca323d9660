package io.llmaos.loadtest.report;

import io.llmaos.loadtest.tool.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * The self-contained HTML report: a table of the steps, latency percentiles against throughput across
 * the sweep, the server's queue and compute split per step, one latency distribution per step, and for
 * generation TTFT and inter-token distributions per step and tokens/s against the load. Plots are
 * inline SVG: the page needs no script and no network.
 */
final class HtmlReport {
    private HtmlReport() {}

    static String of(Result r) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape("llmaos loadtest " + r.model()))
                .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "svg{margin:8px;border:1px solid #eee}</style></head><body>");
        b.append("<h1>")
                .append(Html.escape(r.model()))
                .append(" (")
                .append(Html.escape(r.api()))
                .append(")</h1>");
        table(b, r);
        List<Svg.Series> percentiles = new ArrayList<>();
        for (String p : List.of("p50", "p90", "p99")) {
            List<double[]> points = new ArrayList<>();
            for (Result.Step s : r.steps()) {
                points.add(new double[] {s.throughput(), pick(s.latency(), p)});
            }
            percentiles.add(new Svg.Series(p, points));
        }
        b.append("<h2>Across the sweep</h2>");
        b.append(Svg.lines("Latency percentiles vs throughput", "requests/s", "latency (us)", percentiles, false));
        List<String> levels = r.steps().stream()
                .map(s -> r.unit() + " " + Reports.number(s.level()))
                .toList();
        List<double[]> queue = new ArrayList<>();
        List<double[]> compute = new ArrayList<>();
        List<double[]> rest = new ArrayList<>();
        for (Result.Step s : r.steps()) {
            double q = Math.max(0, s.serverQueueUs());
            double c = Math.max(0, s.serverComputeUs());
            queue.add(new double[] {0, q});
            compute.add(new double[] {0, c});
            rest.add(new double[] {0, Math.max(0, s.latency().mean() - q - c)});
        }
        b.append(Svg.stackedBars(
                "Mean latency: server queue, server compute, the rest (network, transport, client)",
                "us",
                levels,
                List.of(
                        new Svg.Series("server queue", queue),
                        new Svg.Series("server compute", compute),
                        new Svg.Series("rest", rest))));
        boolean generation = r.steps().stream().anyMatch(s -> s.generation() != null);
        if (generation) {
            List<double[]> tokens = new ArrayList<>();
            for (Result.Step s : r.steps()) {
                tokens.add(new double[] {s.level(), s.generation().outputTokensPerSecond()});
            }
            b.append(Svg.lines(
                    "Output tokens/s vs " + r.unit(),
                    r.unit(),
                    "tokens/s",
                    List.of(new Svg.Series("tokens/s", tokens)),
                    false));
        }
        b.append("<h2>Each step</h2>");
        for (int i = 0; i < r.steps().size(); i++) {
            Result.Step s = r.steps().get(i);
            String name = levels.get(i);
            b.append("<h3>").append(Html.escape(name)).append("</h3>");
            b.append(Svg.lines(
                    "Latency distribution, " + name,
                    "percentile",
                    "latency (us)",
                    List.of(new Svg.Series("latency", s.distribution())),
                    true));
            if (s.generation() != null) {
                b.append(Svg.lines(
                        "Time to first token, " + name,
                        "percentile",
                        "us",
                        List.of(new Svg.Series("TTFT", s.generation().distributionTtft())),
                        true));
                b.append(Svg.lines(
                        "Inter-token latency, " + name,
                        "percentile",
                        "us",
                        List.of(new Svg.Series("inter-token", s.generation().distributionItl())),
                        true));
            }
        }
        return b.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder b, Result r) {
        boolean generation = r.steps().stream().anyMatch(s -> s.generation() != null);
        b.append("<table><tr><th>")
                .append(Html.escape(r.unit()))
                .append("</th><th>requests/s</th><th>p50 us</th>"
                        + "<th>p90 us</th><th>p99 us</th><th>p99.9 us</th><th>max us</th><th>errors</th><th>server queue us</th>"
                        + "<th>server compute us</th><th>stable</th>");
        if (generation) {
            b.append("<th>TTFT p50 us</th><th>TTFT p99 us</th><th>ITL p50 us</th><th>ITL p99 us</th><th>tokens/s</th>");
        }
        b.append("</tr>");
        for (Result.Step s : r.steps()) {
            Result.Latency l = s.latency();
            b.append("<tr><td>")
                    .append(Reports.number(s.level()))
                    .append("</td><td>")
                    .append(Reports.number(s.throughput()))
                    .append("</td><td>")
                    .append(l.p50())
                    .append("</td><td>")
                    .append(l.p90())
                    .append("</td><td>")
                    .append(l.p99())
                    .append("</td><td>")
                    .append(l.p999())
                    .append("</td><td>")
                    .append(l.max())
                    .append("</td><td>")
                    .append(Html.escape(s.errors().toString()))
                    .append("</td><td>")
                    .append(Reports.number(s.serverQueueUs()))
                    .append("</td><td>")
                    .append(Reports.number(s.serverComputeUs()))
                    .append("</td><td>")
                    .append(s.stable())
                    .append("</td>");
            if (s.generation() != null) {
                Result.Generation g = s.generation();
                b.append("<td>")
                        .append(g.ttft().p50())
                        .append("</td><td>")
                        .append(g.ttft().p99())
                        .append("</td><td>")
                        .append(g.interTokenLatency().p50())
                        .append("</td><td>")
                        .append(g.interTokenLatency().p99())
                        .append("</td><td>")
                        .append(Reports.number(g.outputTokensPerSecond()))
                        .append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</table>");
    }

    private static double pick(Result.Latency l, String p) {
        return switch (p) {
            case "p50" -> l.p50();
            case "p90" -> l.p90();
            default -> l.p99();
        };
    }
}
