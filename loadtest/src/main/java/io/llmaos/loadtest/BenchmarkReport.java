package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The suite's reports from its combined JSON: {@code BENCHMARKS.md} and a self-contained HTML page
 * with the same content: the machine, date and command; every goal of every scenario (value, target,
 * met); and each scenario's figures (its numeric results, flattened to paths).
 */
final class BenchmarkReport {
    /** The most figures listed per scenario; the rest are in its JSON. */
    static final int MAX_FIGURES = 80;

    private BenchmarkReport() {}

    static String markdown(JsonNode all, List<BenchmarkAll.Scenario> scenarios) {
        StringBuilder b = new StringBuilder("# Benchmarks\n\n");
        JsonNode m = all.get("machine");
        b.append("Measured on ")
                .append(all.get("date").asText())
                .append(" by `")
                .append(all.get("command").asText().strip())
                .append("` on ")
                .append(m.path("cores").asInt())
                .append(" cores (")
                .append(m.path("cpu").asText("?"))
                .append("), ")
                .append(m.path("memory_kib").asLong() / 1024 / 1024)
                .append(" GiB, ")
                .append(m.path("os").asText())
                .append(", ")
                .append(m.path("java").asText())
                .append(". Each scenario's whole JSON is in `loadtest/target/benchmarks/`.\n\n## Goals\n\n")
                .append("| scenario | goal | value | target | met |\n| --- | --- | --- | --- | --- |\n");
        for (String[] g : goals(all)) {
            b.append("| ").append(String.join(" | ", g)).append(" |\n");
        }
        Map<String, String> what = BenchmarkAll.descriptions();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.get("scenarios").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append("\n## ")
                    .append(e.getKey())
                    .append("\n\n")
                    .append(what.getOrDefault(e.getKey(), ""))
                    .append("\n\n");
            if (e.getValue().has("error")) {
                b.append("Failed: ").append(e.getValue().get("error").asText()).append("\n");
                continue;
            }
            List<String[]> figures = figures(e.getValue());
            b.append("| figure | value |\n| --- | --- |\n");
            for (String[] f : figures.subList(0, Math.min(MAX_FIGURES, figures.size()))) {
                b.append("| `").append(f[0]).append("` | ").append(f[1]).append(" |\n");
            }
            if (figures.size() > MAX_FIGURES) {
                b.append("\n")
                        .append(figures.size() - MAX_FIGURES)
                        .append(" more figures in `")
                        .append(e.getKey())
                        .append(".json`.\n");
            }
        }
        return b.toString();
    }

    static String html(JsonNode all, List<BenchmarkAll.Scenario> scenarios) {
        StringBuilder b =
                new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>LLMA OS benchmarks</title>"
                        + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px}td.met{background:#dfd}td.missed{background:#fdd}</style>"
                        + "</head><body><h1>LLMA OS benchmarks</h1>");
        JsonNode m = all.get("machine");
        b.append("<p>")
                .append(escape(all.get("date").asText()))
                .append(", <code>")
                .append(escape(all.get("command").asText()))
                .append("</code>, ")
                .append(m.path("cores").asInt())
                .append(" cores, ")
                .append(escape(m.path("cpu").asText("?")))
                .append(", ")
                .append(escape(m.path("java").asText()))
                .append("</p><h2>Goals</h2><table><tr><th>scenario</th>"
                        + "<th>goal</th><th>value</th><th>target</th><th>met</th></tr>");
        for (String[] g : goals(all)) {
            b.append("<tr>");
            for (int i = 0; i < g.length; i++) {
                String cls =
                        i != 4 || g[4].equals("-") ? "" : g[4].equals("yes") ? " class=\"met\"" : " class=\"missed\"";
                b.append("<td").append(cls).append('>').append(escape(g[i])).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</table>");
        for (Iterator<Map.Entry<String, JsonNode>> it = all.get("scenarios").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append("<h2>")
                    .append(escape(e.getKey()))
                    .append("</h2><p>")
                    .append(escape(BenchmarkAll.descriptions().getOrDefault(e.getKey(), "")))
                    .append("</p><table>");
            for (String[] f : figures(e.getValue())) {
                b.append("<tr><td><code>")
                        .append(escape(f[0]))
                        .append("</code></td><td>")
                        .append(escape(f[1]))
                        .append("</td></tr>");
            }
            b.append("</table>");
        }
        return b.append("</body></html>\n").toString();
    }

    /** Every goal: scenario, name, value, target, met (yes or no). */
    static List<String[]> goals(JsonNode all) {
        List<String[]> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.get("scenarios").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode goals = e.getValue().get("goals");
            if (goals == null) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> g = goals.fields(); g.hasNext(); ) {
                Map.Entry<String, JsonNode> goal = g.next();
                JsonNode v = goal.getValue();
                if (!v.isObject()) {
                    // a figure kept beside the goals, with no target of its own
                    out.add(new String[] {e.getKey(), goal.getKey(), v.asText(), "", "-"});
                    continue;
                }
                out.add(new String[] {
                    e.getKey(),
                    goal.getKey(),
                    v.path("value").asText(),
                    v.path("goal").asText(v.path("target").asText()),
                    v.path("met").asBoolean() ? "yes" : "no"
                });
            }
        }
        return out;
    }

    /** The numeric and boolean results of a scenario, flattened (a/b/c), its goals left out. */
    static List<String[]> figures(JsonNode node) {
        List<String[]> out = new ArrayList<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String path, JsonNode node, List<String[]> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (path.isEmpty() && e.getKey().equals("goals")) {
                    continue;
                }
                flatten(path.isEmpty() ? e.getKey() : path + "/" + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            boolean numbers = true;
            for (JsonNode n : node) {
                numbers &= n.isNumber();
            }
            if (numbers && node.size() <= 16) {
                out.add(new String[] {path, node.toString()});
            } else {
                for (int i = 0; i < node.size(); i++) {
                    flatten(path + "/" + i, node.get(i), out);
                }
            }
        } else if (node.isNumber() || node.isBoolean()) {
            out.add(new String[] {path, node.asText()});
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
