package io.llmaos.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmaos.optimizer.apply.ConfigWriter;
import io.llmaos.optimizer.cli.OptimizeCli;
import io.llmaos.optimizer.objective.Constraint;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.objective.Metric;
import io.llmaos.optimizer.objective.Objective;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.Verdict;
import io.llmaos.proto.v1.ModelConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code llmaos optimize} on the demo MLP, end to end: it starts its own server (a child process) on a
 * copy of the repository, searches a 2 x 2 x 2 grid (preferred batch sizes, queue delay, instances)
 * at concurrency 1 and 32 under a p99 bound, reports and applies. Today's config is the demo's with a
 * queue delay and no preferred batch size (a common mistake: every batch waits the whole delay).
 *
 * <p>A grid tries the same points whatever the constraints, so the one set of measurements is judged
 * again under a tight p99 (3 ms, below any step at concurrency 32, whose mean latency alone is 32 /
 * throughput) and under none, and the picks compared.
 */
class OptimizeMlpTest {
    @TempDir
    Path dir;

    static Path repositoryWith(Path dir, String json) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path model = Files.createDirectories(repo.resolve("mlp-classifier"));
        Path demo = Path.of("..", "models", "mlp-classifier").toAbsolutePath().normalize();
        Files.createDirectories(model.resolve("1"));
        Files.copy(demo.resolve("1").resolve("model.pt"), model.resolve("1").resolve("model.pt"));
        ModelConfig.Builder c = ConfigWriter.read(demo).toBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(json, c);
        ConfigWriter.write(model, c.build(), ConfigWriter.Checkpoint.NONE);
        return repo;
    }

    static int optimize(StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new OptimizeCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }

    static List<Measures> steps(JsonNode trial) throws Exception {
        List<Measures> steps = new ArrayList<>();
        for (JsonNode s : trial.get("steps")) {
            steps.add(new ObjectMapper().treeToValue(s, Measures.class));
        }
        return steps;
    }

    /** What {@code judge} picks among the measured trials: the trial and the load it counts at (null for none). */
    record Pick(int trial, double level) {}

    static Pick pick(JsonNode report, Judge judge) throws Exception {
        Pick best = null;
        Verdict bestVerdict = null;
        for (JsonNode t : report.get("trials")) {
            if (!t.get("status").asText().equals("MEASURED")) {
                continue;
            }
            Verdict v = judge.judge(steps(t));
            if (v.feasible() && (bestVerdict == null || v.score() > bestVerdict.score())) {
                best = new Pick(t.get("number").asInt(), v.measures().level());
                bestVerdict = v;
            }
        }
        return best;
    }

    @Test
    void aGridOnTheMlpFindsABetterConfigUnderAP99BoundAndPicksDifferentlyUnderATightOne() throws Exception {
        Path repo = repositoryWith(dir, "{\"dynamic_batching\": {\"max_queue_delay_us\": 5000}}");
        Path report = dir.resolve("report");
        StringWriter out = new StringWriter();
        int code = optimize(
                out,
                "mlp-classifier",
                "--models",
                repo.toString(),
                "--preferred-batch-sizes",
                "none;32",
                "--max-queue-delay",
                "0,5ms",
                "--instances-max",
                "1,2",
                "--concurrency",
                "1,32",
                "--warmup",
                "1s",
                "--window",
                "1s",
                "--stable-windows",
                "1",
                "--max-windows",
                "2",
                "--jit-warmup",
                "5s",
                "--confirm",
                "1",
                "--max-p99",
                "20ms",
                "--report",
                report.toString(),
                "--apply");
        System.out.println(out); // the search's console, kept in the test's report
        assertEquals(0, code, out.toString());
        JsonNode r = new ObjectMapper().readTree(report.resolve("trials.json").toFile());
        JsonNode trials = r.get("trials");
        assertEquals(8, trials.size(), "today is one of the 8 points: " + out);
        JsonNode today = trials.get(0);
        assertEquals("none", today.get("config").get("preferred_batch_sizes").asText());
        assertEquals("5ms", today.get("config").get("max_queue_delay").asText());
        int best = r.get("best").asInt();
        assertTrue(best > 0, "today is not the best: " + out);
        // measurably better: today and the finalists were measured again in turn, the best by its mean
        JsonNode bestMean = null;
        JsonNode todayMean = null;
        for (JsonNode c : r.get("confirmed")) {
            assertEquals(1, c.get("measurements").asInt(), c.toString());
            if (c.get("trial").asInt() == best) {
                bestMean = c.get("mean");
            } else if (c.get("trial").asInt() == 0) {
                todayMean = c.get("mean");
            }
        }
        assertNotNull(bestMean, out.toString());
        assertNotNull(todayMean, out.toString());
        assertTrue(
                bestMean.get("throughput").asDouble()
                        > 1.3 * todayMean.get("throughput").asDouble(),
                "measurably better: " + bestMean + " against today's " + todayMean + "\n" + out);
        // constraints exclude the trials that break them
        for (JsonNode t : trials) {
            boolean kept = t.get("chosen").get("p99Us").asDouble() <= 20_000
                    && t.get("chosen").get("errorShare").asDouble() <= 0.01;
            assertEquals(kept, t.get("feasible").asBoolean(), t.toString());
        }
        // the same measurements under a tight p99 and under none: the operating point a config is
        // chosen at (Model Analyzer's answer) is the config and the load it serves within the bound
        Pick tight = pick(r, new Judge(new Objective.Throughput(), List.of(new Constraint(Metric.P99, 3_000))));
        Pick none = pick(r, new Judge(new Objective.Throughput(), List.of()));
        assertNotNull(tight, "some config keeps p99 <= 3 ms at concurrency 1: " + out);
        assertEquals(1, tight.level(), "no step at concurrency 32 keeps 3 ms (its mean alone is 32 / throughput)");
        assertEquals(
                "0",
                trials.get(tight.trial()).get("config").get("max_queue_delay").asText(),
                "a queue delay alone breaks a 3 ms p99 at concurrency 1: " + out);
        assertEquals(32, none.level(), "without a bound, the load that serves most");
        assertNotEquals(tight, none, "a tight p99 picks differently: " + out);
        // applied: the best config is config.json, today's is config.json.bak
        Path model = repo.resolve("mlp-classifier");
        ModelConfig applied = ConfigWriter.read(model);
        assertEquals(
                trials.get(best).get("config").get("max_queue_delay").asText().equals("5ms") ? 5000 : 0,
                applied.getDynamicBatching().getMaxQueueDelayUs());
        assertTrue(Files.readString(model.resolve(ConfigWriter.BACKUP)).contains("\"max_queue_delay_us\": \"5000\""));
        String html = Files.readString(report.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("Pareto front"), "the HTML report has its plots");
        assertTrue(Files.readString(report.resolve("report.md")).contains("| 0 (today) |"));
        assertNotNull(r.get("changes").get(0), "the diff from today's config");
    }
}
