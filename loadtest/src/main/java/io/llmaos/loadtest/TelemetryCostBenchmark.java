package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import java.net.ServerSocket;
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
 * What telemetry costs, printed as JSON: MLP QPS at c=32 on a server with telemetry off (no metrics
 * endpoint, no access log), with metrics (the Prometheus endpoint, scraped once a round), and with
 * metrics and the access log: three server processes, warmed up, measured in alternating rounds so the
 * machine's noise falls on all; the median of the per-round ratios to "off" is the cost. The access log goes to the server's standard
 * error, which this process reads (and forgets): that reading runs on the same cores, so the figure is
 * pessimistic. (Request traces do not exist yet.)
 *
 * <p>Run: {@code loadtest/bin/telemetry-cost [rounds] [seconds per phase]}.
 */
public final class TelemetryCostBenchmark {
    private TelemetryCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TelemetryCostBenchmark <server class path> <models dir> [rounds] [seconds]");
            System.exit(2);
        }
        Path models = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Duration phase = Duration.ofSeconds(args.length > 3 ? Integer.parseInt(args[3]) : 8);
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        List<String> base = List.of("--models", models.toString(), "--load-models", BenchRequests.MLP);
        int logPort;
        try (ServerSocket s = new ServerSocket(0)) {
            logPort = s.getLocalPort();
        }
        List<String> withMetrics = new ArrayList<>(base);
        withMetrics.addAll(List.of("--metrics-port", String.valueOf(metricsPort)));
        List<String> withLog = new ArrayList<>(base);
        withLog.addAll(List.of("--metrics-port", String.valueOf(logPort), "--access-log"));
        InferRequest mlp = BenchRequests.mlp(1);
        double[] off = new double[rounds];
        double[] on = new double[rounds];
        double[] logged = new double[rounds];
        double[] ratio = new double[rounds];
        double[] logRatio = new double[rounds];
        try (ServerProcess plain = ServerProcess.start(args[0], ServerProcess.benchmarkJvmOptions(), base);
                ServerProcess observed =
                        ServerProcess.start(args[0], ServerProcess.benchmarkJvmOptions(), withMetrics);
                ServerProcess accessLogged =
                        ServerProcess.start(args[0], ServerProcess.benchmarkJvmOptions(), withLog)) {
            var plainStub = InferenceServiceGrpc.newFutureStub(plain.channel());
            var observedStub = InferenceServiceGrpc.newFutureStub(observed.channel());
            var loggedStub = InferenceServiceGrpc.newFutureStub(accessLogged.channel());
            HttpClient http = HttpClient.newHttpClient();
            Duration warm = Duration.ofSeconds(10);
            // past the JIT: every server runs the load once before any round counts
            LoadGenerator.closedLoop(32, warm, Duration.ofSeconds(1), () -> plainStub.infer(mlp));
            LoadGenerator.closedLoop(32, warm, Duration.ofSeconds(1), () -> observedStub.infer(mlp));
            LoadGenerator.closedLoop(32, warm, Duration.ofSeconds(1), () -> loggedStub.infer(mlp));
            accessLogged.forgetOutput();
            for (int r = 0; r < rounds; r++) {
                off[r] = LoadGenerator.closedLoop(32, Duration.ofSeconds(2), phase, () -> plainStub.infer(mlp))
                        .qps();
                on[r] = LoadGenerator.closedLoop(32, Duration.ofSeconds(2), phase, () -> observedStub.infer(mlp))
                        .qps();
                logged[r] = LoadGenerator.closedLoop(32, Duration.ofSeconds(2), phase, () -> loggedStub.infer(mlp))
                        .qps();
                for (int port : List.of(metricsPort, logPort)) {
                    HttpResponse<String> scrape = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (scrape.statusCode() != 200 || !scrape.body().contains("llmaos_api_requests_total")) {
                        throw new IllegalStateException("the scrape failed: " + scrape.statusCode());
                    }
                }
                ratio[r] = on[r] / off[r];
                logRatio[r] = logged[r] / off[r];
                accessLogged.forgetOutput(); // the access-log lines are not kept past a round
            }
        }
        ObjectNode report = new ObjectMapper().createObjectNode();
        report.put("benchmark", "telemetry-cost");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("rounds", rounds);
        report.put("phase_seconds", phase.toSeconds());
        report.putPOJO("c32_qps_mlp_off", round(off));
        report.putPOJO("c32_qps_mlp_metrics", round(on));
        report.putPOJO("c32_qps_mlp_metrics_and_access_log", round(logged));
        double median = median(ratio);
        double logMedian = median(logRatio);
        report.put("metrics_over_off_median", Math.round(median * 1000) / 1000.0);
        report.put("metrics_cost_pct", Math.round((1 - median) * 1000) / 10.0);
        report.put("metrics_and_access_log_over_off_median", Math.round(logMedian * 1000) / 1000.0);
        report.put("metrics_and_access_log_cost_pct", Math.round((1 - logMedian) * 1000) / 10.0);
        report.put("goal", "cost <= 5% of MLP QPS at c=32 (traces not yet built)");
        System.out.println(report.toPrettyString());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static List<Double> round(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(Math.round(v * 10) / 10.0);
        }
        return out;
    }
}
