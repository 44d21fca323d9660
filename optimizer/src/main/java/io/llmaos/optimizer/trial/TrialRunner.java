package io.llmaos.optimizer.trial;

import io.grpc.StatusRuntimeException;
import io.llmaos.client.LlmaosClientException;
import io.llmaos.loadtest.tool.LoadTest;
import io.llmaos.loadtest.tool.Result;
import io.llmaos.loadtest.tool.Workload;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.space.ConfigPatch;
import io.llmaos.optimizer.space.Point;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelFootprint;
import io.llmaos.proto.v1.ModelState;
import io.llmaos.proto.v1.ModelVersionStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one trial: puts the configuration in place (the server's flags, then LoadModel with the patched
 * config as override, which answers once the model is READY or failed), measures it with the load-test
 * library (warm-up and stability windows as the workload says), reads the model's memory from
 * ResourceService, and judges it. A load the server refuses, a server that dies, and a measurement
 * where every request failed are recorded as such; the search goes on.
 */
public final class TrialRunner {
    private final ServerTarget target;
    private final String model;
    private final ModelConfig base;
    private final Workload workload;
    private final Judge judge;
    private final LoadTest.Progress progress;

    /**
     * @param base     the model's configuration today (trials patch it)
     * @param progress hears of each load step as it runs
     */
    public TrialRunner(
            ServerTarget target,
            String model,
            ModelConfig base,
            Workload workload,
            Judge judge,
            LoadTest.Progress progress) {
        this.target = target;
        this.model = model;
        this.base = base;
        this.workload = workload;
        this.judge = judge;
        this.progress = progress;
    }

    /**
     * Runs {@code point} for {@code time} without recording it: a fresh server (and this JVM) run
     * slowly until their JIT has compiled the request path, which would count against the first trials.
     */
    public void warmUp(Point point, java.time.Duration time) throws Exception {
        if (time.isZero()) {
            return;
        }
        target.ensureFlags(point.serverFlags());
        target.client().loadModel(model, ConfigPatch.apply(base, point));
        Workload w = new Workload(
                workload.model(),
                workload.version(),
                workload.api(),
                new Workload.Closed(List.of((int) Math.max(1, maxLevel()))),
                workload.inputs(),
                workload.priorities(),
                workload.tenants(),
                workload.generation(),
                time,
                java.time.Duration.ofMillis(200),
                1,
                1,
                1);
        LoadTest.run(target.client().channel(), w, LoadTest.Progress.NONE);
    }

    private double maxLevel() {
        double max = 1;
        for (int i = 0; i < workload.load().steps(); i++) {
            max = Math.max(
                    max,
                    workload.load() instanceof Workload.Closed ? workload.load().level(i) : 16);
        }
        return max;
    }

    /** Tries {@code point} as trial {@code number}. */
    public Trial run(int number, Point point) throws Exception {
        long t0 = System.nanoTime();
        try {
            target.ensureFlags(point.serverFlags());
        } catch (IllegalArgumentException e) {
            throw e; // a search the target cannot run: the caller's mistake, not a trial's outcome
        } catch (Exception e) {
            return ended(
                    number,
                    point,
                    Trial.Status.SERVER_CRASHED,
                    "the server did not start: " + message(e),
                    List.of(),
                    t0);
        }
        try {
            target.client().loadModel(model, ConfigPatch.apply(base, point));
            if (!ready()) {
                return ended(number, point, Trial.Status.LOAD_FAILED, "the model did not become READY", List.of(), t0);
            }
        } catch (LlmaosClientException e) {
            if (!target.alive()) {
                return crashed(number, point, "while loading", t0);
            }
            return ended(number, point, Trial.Status.LOAD_FAILED, status(e), List.of(), t0);
        }
        Result result;
        double memory;
        try {
            result = LoadTest.run(target.client().channel(), workload, progress);
            if (!target.alive()) {
                return crashed(number, point, "while measuring", t0);
            }
            memory = memory();
        } catch (LlmaosClientException | StatusRuntimeException e) {
            return target.alive()
                    ? ended(number, point, Trial.Status.FAILED, e.getMessage(), List.of(), t0)
                    : crashed(number, point, "while measuring", t0);
        }
        List<Measures> steps = new ArrayList<>();
        for (Result.Step s : result.steps()) {
            steps.add(measures(s, memory));
        }
        boolean none = result.steps().stream().allMatch(s -> s.requests() == 0);
        if (none) {
            return ended(number, point, Trial.Status.FAILED, "every request failed: " + errors(result), steps, t0);
        }
        return ended(number, point, Trial.Status.MEASURED, "", steps, t0);
    }

    private Trial ended(int number, Point point, Trial.Status status, String note, List<Measures> steps, long t0) {
        Verdict verdict = status == Trial.Status.MEASURED ? judge.judge(steps) : null;
        return new Trial(number, point, status, note, steps, verdict, (System.nanoTime() - t0) / 1e9);
    }

    private Trial crashed(int number, Point point, String when, long t0) throws Exception {
        String note = "the server went away " + when;
        if (!target.recover()) {
            note += "; it did not come back";
        }
        return ended(number, point, Trial.Status.SERVER_CRASHED, note, List.of(), t0);
    }

    /** Whether the model's newest version is READY (LoadModel answers once it is, or failed). */
    private boolean ready() {
        List<ModelVersionStatus> versions =
                target.client().getModel(model).getSummary().getVersionsList();
        return versions.stream().anyMatch(v -> v.getState() == ModelState.READY);
    }

    /**
     * The model's memory (all loaded versions) as ResourceService reports it, -1 when absent: the
     * resident memory measured at load, or the ledger's reservation where larger (a STATIC KV cache is
     * reserved whole, but its pages become resident only as sequences fill it).
     */
    private double memory() {
        long bytes = 0;
        boolean found = false;
        for (ModelFootprint f : target.client().resources().getModelsList()) {
            if (f.getModelName().equals(model)) {
                bytes += Math.max(f.getMemoryBytes(), f.getReservedBytes());
                found = true;
            }
        }
        return found ? bytes : -1;
    }

    static Measures measures(Result.Step s, double memory) {
        long failed = s.errors().values().stream().mapToLong(Long::longValue).sum();
        double errorShare = failed == 0 ? 0 : failed / (double) (failed + s.requests());
        Result.Generation g = s.generation();
        return new Measures(
                s.level(),
                s.throughput(),
                s.latency().p50(),
                s.latency().p99(),
                memory,
                g == null ? -1 : g.ttft().p99(),
                g == null ? -1 : g.interTokenLatency().p99(),
                g == null ? -1 : g.outputTokensPerSecond(),
                errorShare);
    }

    private static String errors(Result r) {
        List<String> codes = new ArrayList<>();
        r.steps().forEach(s -> s.errors().forEach((code, n) -> codes.add(code + " x" + n)));
        return String.join(", ", codes);
    }

    private static String status(LlmaosClientException e) {
        // the message starts with the code already
        return e instanceof LlmaosClientException.InvalidArgument bad
                        && !bad.violations().isEmpty()
                ? e.getMessage() + " (" + String.join("; ", bad.violations()) + ")"
                : e.getMessage();
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
