package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What telemetry costs, printed as JSON: MLP QPS at c=32 and generated tokens/s at 16 streams on four
 * server processes: telemetry off (no metrics endpoint, no access log, no traces), metrics only (the
 * Prometheus endpoint, scraped once a round), metrics and request traces sampled at 1% (sent over
 * OTLP to a collector this process plays), and all of it (metrics, traces and the access log); and the
 * server's CPU per request at a fixed 3,000 requests/s (an open loop well below saturation, which the
 * machine's noise moves less than throughput). Warmed up, measured in
 * alternating rounds (each starting with the next server) so the machine's noise falls on all; the median of the per-round ratios to "off"
 * is the cost. The access log goes to the server's standard output, redirected to a file (deleted at the
 * end; its lines are counted), as a deployment keeps it.
 *
 * <p>Run: {@code loadtest/bin/telemetry-cost [rounds] [seconds per phase]}.
 */
public final class TelemetryCostBenchmark {
    private static final String GPT = "gpt-kjv";

    /** The open-loop rate at which the server's CPU per request is measured (requests/s). */
    private static final double FIXED_RATE = 3000;

    private TelemetryCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TelemetryCostBenchmark <server class path> <models dir> [rounds] [seconds]");
            System.exit(2);
        }
        Path models = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Duration phase = Duration.ofSeconds(args.length > 3 ? Integer.parseInt(args[3]) : 8);
        int metricsPort = ServerProcess.freePort();
        int tracedPort = ServerProcess.freePort();
        int allPort = ServerProcess.freePort();
        OtlpSink collector = new OtlpSink();
        // the access log goes to a file, as a deployment keeps it
        Path accessLog = java.nio.file.Files.createTempFile("llmaos-access-", ".log");
        List<String> base = List.of("--models", models.toString(), "--load-models", BenchRequests.MLP + "," + GPT);
        List<String> withMetrics = new ArrayList<>(base);
        withMetrics.addAll(List.of("--metrics-port", String.valueOf(metricsPort)));
        List<String> traces = List.of("--otlp-endpoint", collector.endpoint(), "--trace-sample-ratio", "0.01");
        List<String> withTraces = new ArrayList<>(base);
        withTraces.addAll(List.of("--metrics-port", String.valueOf(tracedPort)));
        withTraces.addAll(traces);
        List<String> withAll = new ArrayList<>(base);
        withAll.addAll(List.of("--metrics-port", String.valueOf(allPort), "--access-log"));
        withAll.addAll(traces);
        InferRequest mlp = BenchRequests.mlp(1);
        String[] names = {"off", "metrics", "metrics_traces", "all"};
        int n = names.length;
        double[][] qps = new double[n][rounds];
        double[][] tokens = new double[n][rounds];
        double[][] cpuUs = new double[n][rounds];
        double[][] fixedCpuUs = new double[n][rounds];
        try (ServerProcess off = ServerProcess.start(args[0], ServerProcess.benchmarkJvmOptions(), base);
                ServerProcess metrics = ServerProcess.start(args[0], ServerProcess.benchmarkJvmOptions(), withMetrics);
                ServerProcess traced = ServerProcess.start(args[0], ServerProcess.benchmarkJvmOptions(), withTraces);
                ServerProcess all = ServerProcess.startWithOutput(
                        args[0], ServerProcess.benchmarkJvmOptions(), withAll, accessLog)) {
            List<ServerProcess> servers = List.of(off, metrics, traced, all);
            HttpClient http = HttpClient.newHttpClient();
            // past the JIT: every server runs both loads once before any round counts
            for (ServerProcess s : servers) {
                var stub = InferenceServiceGrpc.newFutureStub(s.channel());
                LoadGenerator.closedLoop(32, Duration.ofSeconds(10), Duration.ofSeconds(1), () -> stub.infer(mlp));
                GenerateBenchmark.streams(InferenceServiceGrpc.newStub(s.channel()), 16, Duration.ofSeconds(5));
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < n; k++) {
                    int i = (k + r) % n; // each round starts with the next server: no server always goes last
                    var stub = InferenceServiceGrpc.newFutureStub(servers.get(i).channel());
                    java.util.concurrent.atomic.LongAdder calls = new java.util.concurrent.atomic.LongAdder();
                    double cpu = servers.get(i).cpuSeconds();
                    qps[i][r] = LoadGenerator.closedLoop(32, Duration.ofSeconds(1), phase, () -> {
                                calls.increment();
                                return stub.infer(mlp);
                            })
                            .qps();
                    // the server's CPU over the whole phase (warm-up and drain too) per call it answered
                    cpuUs[i][r] = (servers.get(i).cpuSeconds() - cpu) * 1e6 / calls.sum();
                }
                for (int k = 0; k < n; k++) {
                    int i = (k + r) % n; // each round starts with the next server: no server always goes last
                    // a fixed rate well below saturation: the server's CPU per request, steadier than QPS
                    var stub = InferenceServiceGrpc.newFutureStub(servers.get(i).channel());
                    double cpu = servers.get(i).cpuSeconds();
                    LoadGenerator.Run fixed =
                            LoadGenerator.openLoop(FIXED_RATE, phase, x -> stub.infer(mlp), x -> true);
                    fixedCpuUs[i][r] = (servers.get(i).cpuSeconds() - cpu) * 1e6 / Math.max(1, fixed.ok());
                }
                for (int k = 0; k < n; k++) {
                    int i = (k + r) % n; // each round starts with the next server: no server always goes last
                    var run = GenerateBenchmark.streams(
                            InferenceServiceGrpc.newStub(servers.get(i).channel()), 16, phase);
                    if (run.failures().get() > 0) {
                        throw new IllegalStateException(run.failures() + " streams failed on " + names[i]);
                    }
                    tokens[i][r] = run.tokensPerSecond();
                }
                for (int port : List.of(metricsPort, tracedPort, allPort)) {
                    scrape(http, port);
                }
            }
        } finally {
            collector.close();
        }
        ObjectNode report = new ObjectMapper().createObjectNode();
        report.put("benchmark", "telemetry-cost");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("rounds", rounds);
        report.put("phase_seconds", phase.toSeconds());
        report.put("all_means", "metrics + access log + traces sampled at 1% sent over OTLP");
        for (int i = 0; i < n; i++) {
            report.putPOJO("c32_qps_mlp_" + names[i], round(qps[i]));
            report.putPOJO("streams16_tokens_per_s_" + names[i], round(tokens[i]));
            report.putPOJO("mlp_server_cpu_us_per_request_" + names[i], round(cpuUs[i]));
            report.putPOJO(
                    "mlp_server_cpu_us_per_request_at_" + (int) FIXED_RATE + "_per_s_" + names[i],
                    round(fixedCpuUs[i]));
        }
        for (int i = 1; i < n; i++) {
            report.put(names[i] + "_mlp_qps_cost_pct", costPct(qps[i], qps[0]));
            report.put(names[i] + "_tokens_per_s_cost_pct", costPct(tokens[i], tokens[0]));
            // CPU per request is steadier than QPS on a noisy machine: more CPU per request, fewer requests
            report.put(names[i] + "_mlp_cpu_per_request_cost_pct", costPct(cpuUs[0], cpuUs[i]));
            report.put(names[i] + "_mlp_cpu_per_request_at_fixed_rate_cost_pct", costPct(fixedCpuUs[0], fixedCpuUs[i]));
        }
        try (var lines = java.nio.file.Files.lines(accessLog)) {
            report.put("access_log_lines", lines.count());
        }
        report.put("access_log_bytes", java.nio.file.Files.size(accessLog));
        java.nio.file.Files.delete(accessLog);
        report.put("trace_exports", collector.traceExports());
        report.put("trace_export_bytes", collector.traceBytes());
        report.put("goal", "all: cost <= 5% of MLP QPS at c=32 and <= 5% of tokens/s at 16 streams");
        System.out.println(report.toPrettyString());
    }

    private static void scrape(HttpClient http, int port) throws Exception {
        HttpResponse<String> scrape = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (scrape.statusCode() != 200 || !scrape.body().contains("llmaos_api_requests_total")) {
            throw new IllegalStateException("the scrape failed: " + scrape.statusCode());
        }
    }

    /** The median over rounds of how much less {@code on} did than {@code off}, in percent. */
    private static double costPct(double[] on, double[] off) {
        double[] ratio = new double[on.length];
        for (int r = 0; r < on.length; r++) {
            ratio[r] = on[r] / off[r];
        }
        Arrays.sort(ratio);
        return Math.round((1 - ratio[ratio.length / 2]) * 1000) / 10.0;
    }

    private static List<Double> round(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(Math.round(v * 10) / 10.0);
        }
        return out;
    }
}
