package io.llmaos.optimizer.cli;

import io.llmaos.client.LlmaosClientException;
import io.llmaos.client.cli.Connection;
import io.llmaos.loadtest.cli.Mixes;
import io.llmaos.loadtest.cli.WorkloadOptions;
import io.llmaos.loadtest.tool.LoadTest;
import io.llmaos.loadtest.tool.Workload;
import io.llmaos.optimizer.Outcome;
import io.llmaos.optimizer.Search;
import io.llmaos.optimizer.apply.ConfigWriter;
import io.llmaos.optimizer.report.OptimizerReport;
import io.llmaos.optimizer.search.Budget;
import io.llmaos.optimizer.search.GridSearch;
import io.llmaos.optimizer.search.HillClimb;
import io.llmaos.optimizer.search.Strategy;
import io.llmaos.optimizer.space.ConfigPatch;
import io.llmaos.optimizer.space.Point;
import io.llmaos.optimizer.space.SearchSpace;
import io.llmaos.optimizer.space.SpaceSpec;
import io.llmaos.optimizer.trial.ChildServer;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.RunningServer;
import io.llmaos.optimizer.trial.ServerTarget;
import io.llmaos.optimizer.trial.Trial;
import io.llmaos.optimizer.trial.TrialRunner;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llmaos optimize MODEL}: searches the model's serving configuration for the user's objective
 * under their constraints, on a running server (--target) or one it starts (--models DIR), writes the
 * report (--report DIR) and, with --apply, the best config as the model's config.json.
 */
@Command(
        name = "llmaos optimize",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Search a model's serving configuration (batching, instances, threads, engine options,"
                + " sequences) for an objective under constraints, measuring each trial with the load-test"
                + " library; report every trial, the Pareto front and the best config; --apply writes it.")
public final class OptimizeCli implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model to optimise")
    String model;

    @Mixin
    Connection connection;

    @Option(
            names = "--models",
            paramLabel = "DIR",
            description = "Start a server of our own on this repository (a child process, stopped at the end)"
                    + " instead of using a running one")
    Path models;

    @Option(
            names = "--server-arg",
            paramLabel = "FLAG",
            description = "A flag for the server --models starts (repeatable), e.g. --server-arg=--pytorch-threads=1")
    List<String> serverArgs = new ArrayList<>();

    @Option(
            names = "--repository",
            paramLabel = "DIR",
            description = "The running server's repository folder, where --apply writes (with --models: that one)")
    Path repository;

    @Mixin
    GoalOptions goals;

    @Mixin
    SpaceOptions space;

    @Option(
            names = "--strategy",
            description = "grid, hill (coordinate hill climbing with restarts) or auto: grid up to --grid-limit"
                    + " points, else hill (default auto)")
    String strategy = "auto";

    @Option(names = "--grid-limit", description = "The most points auto searches exhaustively (default 32)")
    int gridLimit = 32;

    @Option(names = "--restarts", description = "Hill climbing: random restarts after a local optimum (default 2)")
    int restarts = 2;

    @Option(
            names = "--margin",
            description =
                    "How much better a hill-climbing step, or a confirmed best against today's, must be (default 3%%)")
    String margin = "3%";

    /** --margin, read once. */
    private double step;

    @Option(names = "--seed", description = "Hill climbing: the random restarts' seed (default 1)")
    long seed = 1;

    @Option(
            names = "--confirm",
            paramLabel = "ROUNDS",
            description = "After the search, measure today's config and the --confirm-top best this many times more, in"
                    + " rotating order, and pick by the means (default 3; 0 = pick by the search's own measurements)")
    int confirmRounds = 3;

    @Option(names = "--confirm-top", description = "How many of the best trials --confirm measures again (default 3)")
    int confirmTop = 3;

    @Option(
            names = "--budget",
            paramLabel = "N|TIME|N,TIME",
            description = "Trials (the baseline counts), a time (10m), or both; default 40 trials")
    String budget;

    @Option(
            names = "--patience",
            description = "Stop after this many trials in a row without a new best (default 0: never)")
    int patience;

    @Option(
            names = "--jit-warmup",
            paramLabel = "DURATION",
            description =
                    "Run today's configuration this long before the first trial, unrecorded, so the JIT of a"
                            + " fresh server (and of this tool) does not count against the first trials (default 10s; 0 = none)")
    String jitWarmup = "10s";

    @Mixin
    WorkloadOptions load = new WorkloadOptions(List.of(32), "3s", "3s", 2, 5);

    @Option(names = "--report", paramLabel = "DIR", description = "Write report.md, report.html, trials.json here")
    Path report;

    @Option(
            names = "--apply",
            description = "Write the best config as the model's config.json (atomically; the old one kept as"
                    + " config.json.bak) and have the server load it")
    boolean apply;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OptimizeCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(goalsAsTarget(args)));
    }

    /** {@code --target M=V,...} (the spelling of J's targets) read as {@code --goals}; HOST:PORT stays --target. */
    static String[] goalsAsTarget(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--target") && i + 1 < args.length && args[i + 1].contains("=")) {
                out.add("--goals");
            } else if (a.startsWith("--target=")
                    && a.substring("--target=".length()).contains("=")) {
                out.add("--goals=" + a.substring("--target=".length()));
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Judge judge;
        Budget limits;
        try {
            judge = new Judge(goals.objective(), goals.constraints());
            limits = budget(budget, 40, patience);
            step = Mixes.share(margin, "--margin");
            if (apply && models == null && repository == null) {
                throw new IllegalArgumentException("--apply needs the repository: --models DIR, or --repository DIR");
            }
        } catch (IllegalArgumentException e) {
            err.println("llmaos optimize: " + e.getMessage());
            return 2;
        }
        try (ServerTarget target = target()) {
            ModelConfig today = target.client().getModel(model).getConfig();
            boolean generative = today.getKind() == ModelKind.GENERATIVE;
            SearchSpace searched = SpaceSpec.of(today, space.file, space.flags());
            Workload w = load.withTokenPrompts(target.client().channel(), load.workload(model, 0, generative));
            Strategy s = strategy(searched, today);
            out.printf(
                    "llmaos optimize %s: %s; space %s; %s; budget %s%n",
                    model, judge.objective().describe(), searched.describe(), s.name(), limits.describe());
            out.flush();
            TrialRunner runner = new TrialRunner(target, model, today, w, judge, LoadTest.Progress.NONE);
            Search search = new Search(s, runner::run, limits, System::nanoTime);
            Point baseline = ConfigPatch.current(today, searched.knobs());
            runner.warmUp(baseline, Mixes.duration(jitWarmup, "--jit-warmup"));
            Outcome outcome = search.confirming(confirmTop, confirmRounds, step)
                    .run(model, searched, judge, describe(w), baseline, new Search.Listener() {
                        @Override
                        public void trial(Trial t, Trial best) {
                            out.println(line(t, best));
                            out.flush();
                        }

                        @Override
                        public void repeat(Trial again, Trial of) {
                            out.println(line(again, null) + "  (again: trial " + of.number() + ")");
                            out.flush();
                        }
                    });
            return finish(outcome, target, today, out, err);
        } catch (IllegalArgumentException e) {
            err.println("llmaos optimize: " + e.getMessage());
            return 2;
        } catch (LlmaosClientException e) {
            err.println("llmaos optimize: " + e.getMessage());
            return 1;
        }
    }

    private ServerTarget target() throws Exception {
        if (models != null) {
            if (!Files.isDirectory(models)) {
                throw new IllegalArgumentException("--models: no folder " + models);
            }
            return new ChildServer(System.getProperty("java.class.path"), List.of("-Xmx1g"), models, model, serverArgs);
        }
        return new RunningServer(connection.builder().maxAttempts(1).build(), repository, Duration.ofSeconds(60));
    }

    private Strategy strategy(SearchSpace searched, ModelConfig today) {
        String which = strategy.toLowerCase(Locale.ROOT);
        if (which.equals("auto")) {
            which = searched.all().size() <= gridLimit ? "grid" : "hill";
        }
        return switch (which) {
            case "grid" -> new GridSearch(searched);
            case "hill" ->
                new HillClimb(searched, step, restarts, new java.util.Random(seed))
                        .from(ConfigPatch.current(today, searched.knobs()));
            default -> throw new IllegalArgumentException("--strategy takes grid, hill or auto, not " + strategy);
        };
    }

    /** Reports, applies, puts the server back on config.json, and prints the verdict. */
    private int finish(Outcome o, ServerTarget target, ModelConfig today, PrintWriter out, PrintWriter err)
            throws Exception {
        Trial best = o.best();
        Path repo = repository != null ? repository : target.repository();
        Path modelDir = repo == null ? null : repo.resolve(model);
        ModelConfig file = modelDir != null && Files.isRegularFile(modelDir.resolve(ConfigWriter.CONFIG))
                ? ConfigWriter.read(modelDir)
                : today;
        ModelConfig bestConfig = best == null ? null : ConfigPatch.apply(file, best.point());
        if (report != null) {
            OptimizerReport.write(o, bestConfig, report);
            out.println("report: " + report.resolve("report.html") + ", report.md, trials.json");
        }
        out.printf(
                Locale.ROOT,
                "%d trials and %d repeats of the finalists in %.0f s; the search stopped because %s%n",
                o.trials().size(),
                o.repeats(),
                o.seconds(),
                o.stopped());
        OptimizerReport.verdict(o).forEach(out::println);
        boolean changed = best != null && best != o.baseline();
        if (apply && changed) {
            ConfigWriter.write(modelDir, bestConfig, ConfigWriter.Checkpoint.NONE);
            out.println("applied: " + modelDir.resolve(ConfigWriter.CONFIG) + " (the old one is " + ConfigWriter.BACKUP
                    + ")");
        }
        if (!target.owned()) {
            // the server serves what config.json says again: today's, or the one just written
            try {
                target.client().loadModel(model);
            } catch (LlmaosClientException e) {
                err.println("llmaos optimize: reloading " + model + " from its config.json failed: " + e.getMessage());
                return 1;
            }
        }
        out.flush();
        return best == null ? 1 : 0;
    }

    private static String line(Trial t, Trial best) {
        StringBuilder b = new StringBuilder(
                String.format(Locale.ROOT, "trial %2d %-9s", t.number(), t.baseline() ? "(today)" : ""));
        b.append(t.point().describe()).append("  ").append(t.outcome());
        if (t.chosen() != null) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %.1f req/s p99 %.2f ms",
                    t.chosen().throughput(),
                    t.chosen().p99Us() / 1000));
            if (t.chosen().generative()) {
                b.append(String.format(
                        Locale.ROOT,
                        " %.1f tokens/s TTFT p99 %.2f ms",
                        t.chosen().tokensPerS(),
                        t.chosen().ttftP99Us() / 1000));
            }
        }
        if (!t.note().isEmpty()) {
            b.append("  (").append(t.note()).append(')');
        }
        if (t == best) {
            b.append("  <- best so far");
        }
        return b.toString();
    }

    private static String describe(Workload w) {
        String load = w.load().unit() + " "
                + java.util.stream.IntStream.range(0, w.load().steps())
                        .mapToObj(i -> {
                            double v = w.load().level(i);
                            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
                        })
                        .reduce((a, b) -> a + "," + b)
                        .orElse("");
        return w.api().name().toLowerCase(Locale.ROOT) + " requests, " + load + ", warm-up "
                + w.warmup().toSeconds()
                + " s, windows of " + w.window().toSeconds() + " s until " + w.stableWindows() + " agree within "
                + Math.round(w.stability() * 100) + "% (at most " + w.maxWindows() + ")";
    }

    /** {@code --budget}: "20" trials, "10m" of time, or "20,10m"; {@code defaultTrials} where neither is given. */
    static Budget budget(String text, int defaultTrials, int patience) {
        if (text == null) {
            return new Budget(defaultTrials, null, patience);
        }
        Integer trials = null;
        Duration time = null;
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty() && p.chars().allMatch(Character::isDigit)) {
                trials = Integer.parseInt(p);
            } else if (!p.isEmpty()) {
                time = Mixes.duration(p, "--budget");
            }
        }
        return new Budget(trials != null ? trials : time != null ? Integer.MAX_VALUE : defaultTrials, time, patience);
    }
}
