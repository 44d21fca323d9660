package io.llmaos.optimizer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.optimizer.Confirmed;
import io.llmaos.optimizer.Outcome;
import io.llmaos.optimizer.objective.Constraint;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.space.ConfigPatch;
import io.llmaos.optimizer.space.Knob;
import io.llmaos.optimizer.trial.Trial;
import io.llmaos.proto.v1.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A search's report in {@code --report DIR}: report.md and a self-contained report.html (every trial in
 * a table with its config, measures and constraint verdicts; the Pareto front; the best config and its
 * diff from today's; plots of throughput against p99 and memory), trials.json, and best-config.json.
 */
public final class OptimizerReport {
    private OptimizerReport() {}

    /** Writes the reports; {@code bestConfig} is the best trial's full config (null when none kept the constraints). */
    public static void write(Outcome o, ModelConfig bestConfig, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(o), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), OptimizerHtml.page(o, bestConfig), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("trials.json"), json(o), StandardCharsets.UTF_8);
        if (bestConfig != null) {
            Files.writeString(
                    dir.resolve("best-config.json"),
                    io.llmaos.optimizer.apply.ConfigWriter.text(bestConfig),
                    StandardCharsets.UTF_8);
        }
    }

    /** The summary lines both reports open with. */
    static List<String> summary(Outcome o) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("model: " + o.model());
        lines.add("objective: " + o.judge().objective().describe());
        lines.add("constraints: "
                + (o.judge().constraints().isEmpty()
                        ? "none"
                        : String.join(
                                ", ",
                                o.judge().constraints().stream()
                                        .map(Constraint::describe)
                                        .toList())));
        lines.add("space: " + o.space().describe());
        lines.add("search: " + o.strategy() + "; stopped because " + o.stopped());
        lines.add("measured with: " + o.workload());
        lines.add(String.format(
                Locale.ROOT,
                "trials: %d, and %d repeats of the finalists, in %.0f s",
                o.trials().size(),
                o.repeats(),
                o.seconds()));
        return lines;
    }

    /** The best config's changes from today's, or why there is none. */
    public static List<String> verdict(Outcome o) {
        Trial best = o.best();
        Trial today = o.baseline();
        if (best == null) {
            return List.of("No configuration kept every constraint.");
        }
        if (best == today) {
            Confirmed top = o.topFinalist();
            Confirmed now = o.confirmation(today);
            if (top != null && now != null && top != now) {
                return List.of("Today's configuration stays: the best found, trial "
                        + top.trial().number() + " ("
                        + top.trial().point().describe() + "), is not measurably better (means of "
                        + top.measurements() + " measurements each, taken in turn: " + compare(now.mean(), top.mean())
                        + ").");
            }
            return List.of("Today's configuration is the best found: nothing to change.");
        }
        List<String> lines = new java.util.ArrayList<>();
        lines.add("Best: trial " + best.number() + " (" + best.point().describe() + ")");
        lines.add("Changes from today's configuration: "
                + String.join("; ", ConfigPatch.diff(today.point(), best.point())));
        Confirmed todayAgain = o.confirmation(today);
        Confirmed bestAgain = o.confirmation(best);
        if (todayAgain != null && bestAgain != null) {
            lines.add("Versus today (means of " + bestAgain.measurements() + " measurements each, taken in turn): "
                    + compare(todayAgain.mean(), bestAgain.mean()));
        } else if (today.chosen() != null) {
            lines.add("Versus today: " + compare(today.chosen(), best.chosen()));
        }
        if (!best.point().serverFlags().isEmpty()) {
            lines.add("Server flags (not part of config.json): "
                    + String.join(" ", best.point().serverFlags()));
        }
        return lines;
    }

    private static String compare(Measures a, Measures b) {
        String s = String.format(
                Locale.ROOT,
                "throughput %.1f -> %.1f/s (%+.0f%%), p99 %.2f -> %.2f ms",
                a.throughput(),
                b.throughput(),
                pct(a.throughput(), b.throughput()),
                a.p99Us() / 1000,
                b.p99Us() / 1000);
        if (b.generative()) {
            s += String.format(
                    Locale.ROOT,
                    ", tokens/s %.1f -> %.1f (%+.0f%%), TTFT p99 %.2f -> %.2f ms",
                    a.tokensPerS(),
                    b.tokensPerS(),
                    pct(a.tokensPerS(), b.tokensPerS()),
                    a.ttftP99Us() / 1000,
                    b.ttftP99Us() / 1000);
        }
        if (a.memoryBytes() >= 0 && b.memoryBytes() >= 0) {
            s += ", memory " + io.llmaos.optimizer.objective.Metric.MEMORY.format(a.memoryBytes()) + " -> "
                    + io.llmaos.optimizer.objective.Metric.MEMORY.format(b.memoryBytes());
        }
        return s;
    }

    private static double pct(double from, double to) {
        return from <= 0 ? 0 : (to / from - 1) * 100;
    }

    static String markdown(Outcome o) {
        StringBuilder b =
                new StringBuilder("# llmaos optimize: ").append(o.model()).append("\n\n");
        summary(o).forEach(l -> b.append("- ").append(l).append('\n'));
        b.append('\n');
        verdict(o).forEach(l -> b.append(l).append("\n\n"));
        b.append("## Trials\n\n");
        table(b, TrialTable.header(o), TrialTable.rows(o));
        if (!o.confirmed().isEmpty()) {
            b.append("\n## Finalists measured again\n\n");
            table(b, ConfirmationTable.header(), ConfirmationTable.rows(o));
        }
        b.append("\n## Pareto front (throughput, p99, memory)\n\n");
        for (Trial t : Pareto.front(o.trials())) {
            b.append("- trial ")
                    .append(t.number())
                    .append(": ")
                    .append(t.point().describe())
                    .append('\n');
        }
        return b.toString();
    }

    private static void table(StringBuilder b, List<String> header, List<List<String>> rows) {
        b.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> b.append(" --- |"));
        b.append('\n');
        for (List<String> r : rows) {
            b.append("| ")
                    .append(String.join(
                            " | ", r.stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
    }

    static String json(Outcome o) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("model", o.model());
        root.put("objective", o.judge().objective().describe());
        ArrayNode constraints = root.putArray("constraints");
        o.judge().constraints().forEach(c -> constraints.add(c.describe()));
        root.put("space", o.space().describe());
        root.put("strategy", o.strategy());
        root.put("workload", o.workload());
        root.put("stopped", o.stopped());
        root.put("seconds", Math.round(o.seconds() * 10) / 10.0);
        Set<Trial> front = Set.copyOf(Pareto.front(o.trials()));
        ArrayNode trials = root.putArray("trials");
        for (Trial t : o.trials()) {
            ObjectNode n = trials.addObject();
            n.put("number", t.number());
            n.put("baseline", t.baseline());
            ObjectNode config = n.putObject("config");
            for (Knob k : o.space().knobs()) {
                config.put(k.key(), k.format(t.point().get(k)));
            }
            n.put("status", t.status().name());
            n.put("outcome", t.outcome());
            n.put("note", t.note());
            n.put("feasible", t.feasible());
            n.put("pareto", front.contains(t));
            n.put("seconds", Math.round(t.seconds() * 10) / 10.0);
            if (t.verdict() != null) {
                n.put("score", t.verdict().score());
                n.set("chosen", mapper.valueToTree(t.chosen()));
                ArrayNode broken = n.putArray("broken");
                t.verdict().broken().forEach(broken::add);
            }
            n.set("steps", mapper.valueToTree(t.steps()));
        }
        ArrayNode confirmed = root.putArray("confirmed");
        for (Confirmed c : o.confirmed()) {
            ObjectNode n = confirmed.addObject();
            n.put("trial", c.trial().number());
            n.put("measurements", c.measurements());
            n.set("mean", mapper.valueToTree(c.mean()));
            n.put("score", c.verdict().score());
            n.put("feasible", c.verdict().feasible());
            ArrayNode repeats = n.putArray("repeats");
            c.repeats().forEach(t -> repeats.add(mapper.valueToTree(t.steps())));
        }
        root.put("best", o.best() == null ? -1 : o.best().number());
        ArrayNode diff = root.putArray("changes");
        if (o.best() != null) {
            ConfigPatch.diff(o.baseline().point(), o.best().point()).forEach(diff::add);
        }
        return mapper.writeValueAsString(root);
    }
}
