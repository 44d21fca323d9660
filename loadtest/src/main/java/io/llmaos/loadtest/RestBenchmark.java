package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HTTP front door against gRPC from the same client machine, printed as JSON: the MLP through
 * KServe v2 REST ({@code POST /v2/models/M/infer}, JSON, Java's HttpClient over HTTP/1.1) and through
 * OIP {@code ModelInfer} over gRPC, p50 and QPS at concurrency 1 and 32 in alternating rounds; and a
 * generation on gpt-kjv streamed as Server-Sent Events ({@code generate_stream}) against gRPC
 * {@code Generate}: the time per token of one stream, and tokens/s at 16 streams. Ratios are
 * medians of the per-round ratios (REST over gRPC).
 *
 * <p>Run: {@code loadtest/bin/rest-benchmark [rounds]}.
 */
public final class RestBenchmark {
    private static final String GPT = "gpt-kjv";
    private static final String PROMPT = "And it came to pass, when";
    private static final int TOKENS = 128;

    private RestBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int httpPort = ServerProcess.freePort();
        String base = "http://127.0.0.1:" + httpPort;
        HttpClient http = ServerProcess.http11();
        ModelInferRequest grpcRequest = BenchRequests.oipMlp(false);
        HttpRequest restRequest = mlpRequest(base);
        ObjectNode report = new ObjectMapper().createObjectNode();
        report.put("benchmark", "rest");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("rounds", rounds);
        try (ServerProcess server = ServerProcess.serveHttp(args[0], models, BenchRequests.MLP + "," + GPT, httpPort)) {
            var oip = GRPCInferenceServiceGrpc.newFutureStub(server.channel());
            Supplier<ListenableFuture<?>> grpc = () -> oip.modelInfer(grpcRequest);
            Supplier<ListenableFuture<?>> rest = () -> rest(http, restRequest);
            // past the JIT, both ways, until both JVMs' compilers are quiet (C2 on 2 cores takes minutes)
            JitWarmup.untilQuiet(
                    server::compilerTicks,
                    round -> {
                        for (Supplier<ListenableFuture<?>> s : List.of(grpc, rest)) {
                            LoadGenerator.closedLoop(32, Duration.ZERO, round, s);
                            LoadGenerator.closedLoop(1, Duration.ZERO, round, s);
                        }
                    },
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(180));
            String[] names = {"grpc_c1", "rest_c1", "grpc_c32", "rest_c32"};
            double[][] qps = new double[4][rounds];
            double[][] p50 = new double[4][rounds];
            // the server's CPU per call: what the front door costs the server, apart from the client's share
            double[][] cpuUs = new double[4][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 4; k++) {
                    int i = (k + r) % 4;
                    java.util.concurrent.atomic.LongAdder calls = new java.util.concurrent.atomic.LongAdder();
                    Supplier<ListenableFuture<?>> way = i % 2 == 0 ? grpc : rest;
                    double cpu = server.cpuSeconds();
                    LoadGenerator.Run run = LoadGenerator.closedLoop(
                            i < 2 ? 1 : 32, Duration.ofSeconds(1), Duration.ofSeconds(3), () -> {
                                calls.increment();
                                return way.get();
                            });
                    cpuUs[i][r] = (server.cpuSeconds() - cpu) * 1e6 / calls.sum();
                    if (!run.failed().isEmpty()) {
                        throw new IllegalStateException(names[i] + " failed: " + run.failed());
                    }
                    qps[i][r] = run.qps();
                    p50[i][r] = run.p50Us();
                }
            }
            for (int i = 0; i < 4; i++) {
                report.put("mlp_qps_" + names[i], median(qps[i]));
                report.put("mlp_p50_us_" + names[i], median(p50[i]));
                report.put("mlp_server_cpu_us_per_call_" + names[i], median(cpuUs[i]));
            }
            report.put("rest_over_grpc_server_cpu_per_call_c32", medianRatio(cpuUs[3], cpuUs[2]));
            report.put("rest_over_grpc_qps_c1", medianRatio(qps[1], qps[0]));
            report.put("rest_over_grpc_qps_c32", medianRatio(qps[3], qps[2]));
            report.put("rest_over_grpc_p50_c1", medianRatio(p50[1], p50[0]));
            report.put("rest_over_grpc_p50_c32", medianRatio(p50[3], p50[2]));

            var stub = InferenceServiceGrpc.newBlockingStub(server.channel());
            double[] grpcToken = new double[rounds];
            double[] sseToken = new double[rounds];
            for (int r = 0; r < rounds + 1; r++) {
                double g = grpcPerToken(stub);
                double s = ssePerToken(http, base);
                if (r > 0) { // the first pair warms up
                    grpcToken[r - 1] = g;
                    sseToken[r - 1] = s;
                }
            }
            report.put("one_stream_us_per_token_grpc", median(grpcToken));
            report.put("one_stream_us_per_token_sse", median(sseToken));
            report.put("sse_per_token_overhead_us", Math.round((median(sseToken) - median(grpcToken)) * 10) / 10.0);
            double grpc16 =
                    GenerateStreams.grpc(InferenceServiceGrpc.newStub(server.channel()), 16, Duration.ofSeconds(8));
            double sse16 = GenerateStreams.sse(http, base, 16, Duration.ofSeconds(8));
            report.put("streams16_tokens_per_s_grpc", Math.round(grpc16));
            report.put("streams16_tokens_per_s_sse", Math.round(sse16));
            report.put("sse_over_grpc_tokens_per_s_16", Math.round(sse16 / grpc16 * 1000) / 1000.0);
        }
        report.put(
                "note",
                "REST: JSON tensors over HTTP/1.1 with Java's HttpClient; gRPC: OIP ModelInfer, typed contents");
        System.out.println(report.toPrettyString());
    }

    /** One MLP row as a KServe v2 REST inference request (JSON tensors) to the server at {@code base}. */
    static HttpRequest mlpRequest(String base) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            row.append(i == 0 ? "" : ",").append(i / 16f);
        }
        String body = "{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 16], \"datatype\": \"FP32\", \"data\": ["
                + row + "]}]}";
        return HttpRequest.newBuilder(URI.create(base + "/v2/models/" + BenchRequests.MLP + "/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** {@code request} sent, as a future that fails unless the answer is 200. */
    static ListenableFuture<?> rest(HttpClient http, HttpRequest request) {
        SettableFuture<Object> f = SettableFuture.create();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
            if (e != null) {
                f.setException(e);
            } else if (r.statusCode() != 200) {
                f.setException(new IllegalStateException("HTTP " + r.statusCode()));
            } else {
                f.set(r);
            }
        });
        return f;
    }

    /** One gRPC Generate of {@value #TOKENS} tokens: microseconds per token after the first. */
    private static double grpcPerToken(InferenceServiceGrpc.InferenceServiceBlockingStub stub) {
        long first = 0;
        int count = 0;
        for (Iterator<GenerateResponse> it = stub.generate(GenerateRequest.newBuilder()
                        .setModelName(GPT)
                        .setText(PROMPT)
                        .setSampling(SamplingParams.newBuilder()
                                .setMaxNewTokens(TOKENS)
                                .setIgnoreEos(true))
                        .build());
                it.hasNext(); ) {
            GenerateResponse r = it.next();
            if (first == 0 && r.getTokensCount() > 0) {
                first = System.nanoTime();
            }
            count += r.getTokensCount();
        }
        return (System.nanoTime() - first) / 1000.0 / Math.max(1, count - 1);
    }

    /** The same generation as Server-Sent Events: microseconds per event after the first. */
    private static double ssePerToken(HttpClient http, String base) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r =
                http.send(GenerateStreams.request(base, TOKENS), HttpResponse.BodyHandlers.ofLines());
        long[] first = {0};
        int[] count = {0};
        r.body().filter(l -> l.startsWith("data: ")).forEach(l -> {
            if (first[0] == 0) {
                first[0] = System.nanoTime();
            }
            count[0]++;
        });
        return (System.nanoTime() - first[0]) / 1000.0 / Math.max(1, count[0] - 1);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return Math.round(s[s.length / 2] * 10) / 10.0;
    }

    static double medianRatio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        Arrays.sort(r);
        return Math.round(r[r.length / 2] * 1000) / 1000.0;
    }

    /** Many streams generating back to back, by gRPC or by SSE: tokens per second. */
    static final class GenerateStreams {
        private GenerateStreams() {}

        static HttpRequest request(String base, int tokens) {
            return HttpRequest.newBuilder(URI.create(base + "/v2/models/" + GPT + "/generate_stream"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text_input\": \"" + PROMPT + "\", \"max_tokens\": "
                            + tokens + ", \"parameters\": {\"ignore_eos\": true}}"))
                    .build();
        }

        static double grpc(InferenceServiceGrpc.InferenceServiceStub stub, int n, Duration d)
                throws InterruptedException {
            return GenerateBenchmark.streams(stub, n, d).tokensPerSecond();
        }

        static double sse(HttpClient http, String base, int n, Duration d) throws InterruptedException {
            java.util.concurrent.atomic.AtomicLong tokens = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            http.send(request(base, TOKENS), HttpResponse.BodyHandlers.ofLines())
                                    .body()
                                    .filter(l -> l.startsWith("data: "))
                                    .forEach(l -> tokens.incrementAndGet());
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            Thread.sleep(d.toMillis());
            long counted = tokens.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            running.set(false);
            for (Thread t : threads) {
                t.join(60_000);
            }
            return counted / seconds;
        }
    }
}
