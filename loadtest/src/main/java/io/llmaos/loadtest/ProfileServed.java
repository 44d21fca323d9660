package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU flame graphs of the served path beside the bare echo's, made with async-profiler attached to
 * each server process while the same client drives it: the echo at concurrency 1 and 32, the
 * served MLP through Infer and OIP ModelInfer (raw) at 1 and 32, MiniLM at 1, and the MLP at 32 with
 * every kind of telemetry on (metrics, access log, traces at 1%), and the MLP through KServe v2 REST at 1
 * and 32. Writes
 * {@code <scenario>.html} (flame graph) and {@code <scenario>.collapsed} (stacks) to the output
 * folder, and prints the top frames of each scenario (by self time) as JSON.
 *
 * <p>Run: {@code loadtest/bin/profile-served [seconds per scenario] [output folder] [echo|served|telemetry|rest]}
 * (the last runs one group alone).
 */
public final class ProfileServed {
    private static final Duration WARMUP = Duration.ofSeconds(4);
    private static final int TOP = 12;

    private ProfileServed() {}

    public static void main(String[] args) throws Exception {
        String serverClasspath = args[0];
        Path models = Path.of(args[1]).toAbsolutePath().normalize();
        Path loader = Path.of(args[2]);
        Duration seconds = Duration.ofSeconds(Long.parseLong(args[3]));
        Path out = Files.createDirectories(Path.of(args[4]));
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "profile-served");
        report.put("seconds_per_scenario", seconds.toSeconds());
        report.put("output", out.toAbsolutePath().toString());
        ObjectNode scenarios = report.putObject("scenarios");
        Profiler profiler = new Profiler(loader, out, seconds);
        // a group to run alone (echo, served or telemetry); all by default
        String only = args.length > 5 ? args[5] : "";

        byte[] mlpBytes = BenchRequests.mlp(1).toByteArray();
        if (only.isEmpty() || only.equals("echo")) {
            profileEcho(profiler, mlpBytes, scenarios, json);
        }
        if (only.isEmpty() || only.equals("served")) {
            profileServed(profiler, serverClasspath, models, scenarios, json);
        }
        if (only.isEmpty() || only.equals("telemetry")) {
            profileTelemetry(profiler, serverClasspath, models, scenarios, json);
        }
        if (only.isEmpty() || only.equals("rest")) {
            profileRest(profiler, serverClasspath, models, scenarios, json);
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    private static void profileEcho(Profiler profiler, byte[] mlpBytes, ObjectNode scenarios, ObjectMapper json)
            throws Exception {
        try (ServerProcess echo = ServerProcess.startMain(
                System.getProperty("java.class.path"),
                List.of("-Xmx512m"),
                EchoServer.class.getName(),
                List.of("fixed"))) {
            Supplier<ListenableFuture<?>> call = () ->
                    ClientCalls.futureUnaryCall(echo.channel().newCall(EchoServer.ECHO, CallOptions.DEFAULT), mlpBytes);
            JitWarmup.untilQuiet(
                    echo::compilerTicks,
                    round -> LoadGenerator.closedLoop(32, Duration.ZERO, round, call),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(120));
            for (int c : new int[] {1, 32}) {
                scenarios.set("echo_c" + c, profiler.profile("echo_c" + c, echo.pid(), c, call, json));
            }
        }
    }

    private static void profileServed(
            Profiler profiler, String serverClasspath, Path models, ObjectNode scenarios, ObjectMapper json)
            throws Exception {
        try (ServerProcess s = BenchRequests.serveBoth(serverClasspath, models)) {
            var infer = InferenceServiceGrpc.newFutureStub(s.channel());
            var oip = GRPCInferenceServiceGrpc.newFutureStub(s.channel());
            InferRequest mlp = BenchRequests.mlp(1);
            ModelInferRequest raw = BenchRequests.oipMlp(true);
            InferRequest text = BenchRequests.text();
            JitWarmup.untilQuiet(
                    s::compilerTicks,
                    round -> {
                        LoadGenerator.closedLoop(16, Duration.ZERO, round, () -> infer.infer(mlp));
                        LoadGenerator.closedLoop(4, Duration.ZERO, round, () -> oip.modelInfer(raw));
                        LoadGenerator.closedLoop(2, Duration.ZERO, round, () -> infer.infer(text));
                    },
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(180));
            for (int c : new int[] {1, 32}) {
                scenarios.set(
                        "served_mlp_infer_c" + c,
                        profiler.profile("served_mlp_infer_c" + c, s.pid(), c, () -> infer.infer(mlp), json));
            }
            scenarios.set(
                    "served_mlp_oip_raw_c1",
                    profiler.profile("served_mlp_oip_raw_c1", s.pid(), 1, () -> oip.modelInfer(raw), json));
            scenarios.set(
                    "served_minilm_c1",
                    profiler.profile("served_minilm_c1", s.pid(), 1, () -> infer.infer(text), json));
        }
    }

    private static void profileTelemetry(
            Profiler profiler, String serverClasspath, Path models, ObjectNode scenarios, ObjectMapper json)
            throws Exception {
        try (OtlpSink collector = new OtlpSink();
                ServerProcess s = ServerProcess.startWithOutput(
                        serverClasspath,
                        ServerProcess.benchmarkJvmOptions(),
                        List.of(
                                "--models",
                                models.toString(),
                                "--load-models",
                                BenchRequests.MLP,
                                "--metrics-port",
                                String.valueOf(ServerProcess.freePort()),
                                "--access-log",
                                "--otlp-endpoint",
                                collector.endpoint(),
                                "--trace-sample-ratio",
                                "0.01"),
                        Path.of("/dev/null"))) {
            // every kind of telemetry on: metrics, the access log (to /dev/null), traces at 1%
            var infer = InferenceServiceGrpc.newFutureStub(s.channel());
            InferRequest mlp = BenchRequests.mlp(1);
            JitWarmup.untilQuiet(
                    s::compilerTicks,
                    round -> LoadGenerator.closedLoop(32, Duration.ZERO, round, () -> infer.infer(mlp)),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(180));
            scenarios.set(
                    "served_mlp_infer_c32_telemetry",
                    profiler.profile("served_mlp_infer_c32_telemetry", s.pid(), 32, () -> infer.infer(mlp), json));
        }
    }

    /** The MLP through KServe v2 REST (JSON over HTTP/1.1, Java's HttpClient) at concurrency 1 and 32. */
    private static void profileRest(
            Profiler profiler, String serverClasspath, Path models, ObjectNode scenarios, ObjectMapper json)
            throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess s = ServerProcess.serveHttp(serverClasspath, models, BenchRequests.MLP, port)) {
            java.net.http.HttpClient http = ServerProcess.http11();
            java.net.http.HttpRequest request = RestBenchmark.mlpRequest("http://127.0.0.1:" + port);
            Supplier<ListenableFuture<?>> rest = () -> RestBenchmark.rest(http, request);
            JitWarmup.untilQuiet(
                    s::compilerTicks,
                    round -> LoadGenerator.closedLoop(32, Duration.ZERO, round, rest),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(180));
            for (int c : new int[] {1, 32}) {
                scenarios.set("rest_mlp_c" + c, profiler.profile("rest_mlp_c" + c, s.pid(), c, rest, json));
            }
        }
    }

    /** async-profiler through ap-loader: CPU samples of one process while a load runs. */
    private record Profiler(Path loader, Path out, Duration seconds) {
        ObjectNode profile(
                String name, long pid, int concurrency, Supplier<ListenableFuture<?>> call, ObjectMapper json)
                throws Exception {
            LoadGenerator.closedLoop(concurrency, Duration.ZERO, WARMUP, call);
            Path collapsed = out.resolve(name + ".collapsed");
            Process p = new ProcessBuilder(
                            "java",
                            "-jar",
                            loader.toString(),
                            "profiler",
                            "-d",
                            String.valueOf(seconds.toSeconds()),
                            "-e",
                            "cpu",
                            "-i",
                            "200us",
                            "-o",
                            "collapsed",
                            "-f",
                            collapsed.toAbsolutePath().toString(),
                            String.valueOf(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(out.resolve(name + ".log").toFile())
                    .start();
            LoadGenerator.Run run = LoadGenerator.closedLoop(concurrency, Duration.ofMillis(300), seconds, call);
            p.waitFor();
            new ProcessBuilder(
                            "java",
                            "-jar",
                            loader.toString(),
                            "converter",
                            "FlameGraph",
                            collapsed.toString(),
                            out.resolve(name + ".html").toString())
                    .inheritIO()
                    .start()
                    .waitFor();
            ObjectNode node = json.createObjectNode();
            node.put("concurrency", concurrency);
            node.put("p50_us", run.p50Us());
            node.put("qps", InferenceBenchmark.round(run.qps()));
            summarise(collapsed, node);
            return node;
        }

        /**
         * Samples in all; each sample's layer (the first rule of {@link #LAYERS} that its stack
         * matches), as % of all; and the frames with the most self samples.
         */
        private static void summarise(Path collapsed, ObjectNode node) throws IOException {
            Map<String, Long> self = new HashMap<>();
            Map<String, Long> layers = new java.util.LinkedHashMap<>();
            long total = 0;
            for (String line : Files.readAllLines(collapsed)) {
                int space = line.lastIndexOf(' ');
                if (space < 0) {
                    continue;
                }
                long n = Long.parseLong(line.substring(space + 1).trim());
                String stack = line.substring(0, space);
                String leaf = stack.substring(stack.lastIndexOf(';') + 1);
                self.merge(leaf, n, Long::sum);
                layers.merge(layer(stack, leaf), n, Long::sum);
                total += n;
            }
            node.put("samples", total);
            node.set("by_layer", percentages(layers, total, layers.size()));
            node.set("top_self", percentages(self, total, TOP));
        }

        /** Where a sample's time goes, in the order the rules are tried. */
        private static final List<Map.Entry<String, List<String>>> LAYERS = List.of(
                Map.entry("engine (DJL and native)", List.of("ai/djl/", "libtorch", "onnxruntime", "libdjl")),
                Map.entry("kernel (syscalls, wake-ups)", List.of("_[k]")),
                Map.entry("protobuf", List.of("com/google/protobuf/")),
                Map.entry("our mapping and codec", List.of("io/llmaos/server/api/mapping/", "io/llmaos/server/codec/")),
                Map.entry("our scheduler", List.of("io/llmaos/server/scheduler/")),
                Map.entry(
                        "telemetry (metrics, access log, traces)",
                        List.of(
                                "io/opentelemetry/",
                                "io/llmaos/server/telemetry/",
                                "io/llmaos/server/api/RequestEnds",
                                "java/util/logging/")),
                Map.entry("our api and interceptors", List.of("io/llmaos/")),
                Map.entry("netty and grpc transport", List.of("io/grpc/netty/")),
                Map.entry("grpc core", List.of("io/grpc/")),
                Map.entry("jvm, gc, jit and other", List.of("")));

        private static String layer(String stack, String leaf) {
            for (Map.Entry<String, List<String>> rule : LAYERS) {
                for (String mark : rule.getValue()) {
                    if (mark.equals("_[k]") ? leaf.endsWith(mark) : stack.contains(mark)) {
                        return rule.getKey();
                    }
                }
            }
            return "jvm, gc, jit and other";
        }

        private static ArrayNode percentages(Map<String, Long> counts, long total, int top) {
            ArrayNode out = new ObjectMapper().createArrayNode();
            List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
            sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(top, sorted.size()))) {
                out.addObject()
                        .put("frame", e.getKey())
                        .put("pct", InferenceBenchmark.round(100.0 * e.getValue() / total));
            }
            return out;
        }
    }
}
