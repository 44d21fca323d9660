package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The phases whose ratios are goals, measured in alternating rounds while the echo servers and the
 * served one are all up: each round runs every echo phase next to its served counterpart, so a
 * drift of the machine over minutes (seen here: the same echo at 34k and 49k QPS minutes apart)
 * falls on both alike. The median of the rounds is kept for each figure.
 */
final class PairedPhases {
    private final Duration warmup;
    private final Duration phase;
    private final List<Step> steps = new ArrayList<>();

    /** Counts a served model's batches so far: {rows, batches}. */
    @FunctionalInterface
    interface BatchCounter {
        long[] rowsAndBatches();
    }

    @FunctionalInterface
    private interface Measure {
        Map<String, Double> run() throws InterruptedException;
    }

    private record Step(ObjectNode node, Measure measure, Map<String, List<Double>> values) {}

    PairedPhases(Duration warmup, Duration phase) {
        this.warmup = warmup;
        this.phase = phase;
    }

    /** Adds a phase recording the p50 latency in microseconds as {@code name} in {@code node}. */
    PairedPhases p50(ObjectNode node, String name, int concurrency, Supplier<ListenableFuture<?>> call) {
        steps.add(new Step(
                node,
                () -> Map.of(
                        name,
                        LoadGenerator.closedLoop(concurrency, warmup, phase, call)
                                .p50Us()),
                new LinkedHashMap<>()));
        return this;
    }

    /**
     * Adds a phase recording the QPS as {@code name} and where the CPU went meanwhile
     * ({@code name_server_cpu_pct}, {@code _client_cpu_pct}, {@code _machine_idle_pct}); with a
     * {@code batches} counter, also the mean batch of the phase ({@code name_mean_batch}).
     */
    PairedPhases qps(
            ObjectNode node,
            String name,
            int concurrency,
            ServerProcess server,
            Supplier<ListenableFuture<?>> call,
            BatchCounter batches) {
        steps.add(new Step(
                node,
                () -> {
                    long[] before = batches == null ? null : batches.rowsAndBatches();
                    CpuUse cpu = CpuUse.start(server);
                    LoadGenerator.Run run = LoadGenerator.closedLoop(concurrency, warmup, phase, call);
                    CpuUse.Percent used = cpu.stop();
                    Map<String, Double> m = new LinkedHashMap<>();
                    m.put(name, run.qps());
                    m.put(name + "_server_cpu_pct", used.server());
                    m.put(name + "_client_cpu_pct", used.client());
                    m.put(name + "_machine_idle_pct", used.idle());
                    if (batches != null) {
                        long[] after = batches.rowsAndBatches();
                        long count = after[1] - before[1];
                        m.put(name + "_mean_batch", count == 0 ? 1 : (double) (after[0] - before[0]) / count);
                    }
                    return m;
                },
                new LinkedHashMap<>()));
        return this;
    }

    /** Runs every phase {@code rounds} times in turn and writes the medians into the nodes. */
    void run(int rounds) throws InterruptedException {
        for (int r = 0; r < rounds; r++) {
            for (Step step : steps) {
                step.measure
                        .run()
                        .forEach((k, v) -> step.values
                                .computeIfAbsent(k, x -> new ArrayList<>())
                                .add(v));
            }
        }
        for (Step step : steps) {
            step.values.forEach((k, v) -> step.node.put(k, InferenceBenchmark.round(median(v))));
            step.node.put("rounds", rounds);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
