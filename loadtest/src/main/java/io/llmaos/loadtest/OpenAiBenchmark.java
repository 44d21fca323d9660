package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import io.llmaos.proto.v1.DataType;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.Tensor;
import io.llmaos.proto.v1.TensorContents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The OpenAI-compatible API against gRPC from the same machine, printed as JSON: streamed chat
 * tokens/s and time to first token at 1 and 16 concurrent streams (SSE {@code /v1/chat/completions}
 * vs gRPC {@code Generate} on the prompt the default chat template writes, the same work), and
 * embeddings/s at batch 1 and 32 ({@code /v1/embeddings} vs gRPC {@code Infer} on all-MiniLM-L6-v2,
 * 4 requests in flight). Alternating rounds, medians. The HTTP client is the JDK's.
 *
 * <p>Run: {@code loadtest/bin/openai-benchmark [rounds]}.
 */
public final class OpenAiBenchmark {
    private static final String GPT = "gpt-kjv";
    private static final String MINILM = "all-MiniLM-L6-v2";
    private static final String PROMPT = "And it came to pass, when";
    private static final int TOKENS = 64;

    private OpenAiBenchmark() {}

    /** One stream's time to its first token and its tokens. */
    private record Stream(long ttftNanos, long tokens) {}

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int port = ServerProcess.freePort();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = ServerProcess.http11();
        ObjectNode report = new ObjectMapper().createObjectNode();
        report.put("benchmark", "openai");
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("rounds", rounds);
        report.put("tokens_per_stream", TOKENS);
        try (ServerProcess server = ServerProcess.serveHttp(args[0], models, GPT + "," + MINILM, port)) {
            var generate = InferenceServiceGrpc.newBlockingStub(server.channel());
            Callable<Stream> grpcStream = () -> grpcChat(generate);
            Callable<Stream> sseStream = () -> sseChat(http, base);
            String[] names = {"grpc_1", "sse_1", "grpc_16", "sse_16"};
            double[][] tokensPerS = new double[4][rounds];
            double[][] ttftMs = new double[4][rounds];
            // past the JIT, both ways, until both JVMs' compilers are quiet
            JitWarmup.untilQuiet(
                    server::compilerTicks,
                    round -> {
                        streams(4, round, grpcStream);
                        streams(4, round, sseStream);
                    },
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(180));
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 4; k++) {
                    int i = (k + r) % 4;
                    double[] m = streams(i < 2 ? 1 : 16, Duration.ofSeconds(4), i % 2 == 0 ? grpcStream : sseStream);
                    tokensPerS[i][r] = m[0];
                    ttftMs[i][r] = m[1];
                }
            }
            for (int i = 0; i < 4; i++) {
                report.put("chat_tokens_per_s_" + names[i], RestBenchmark.median(tokensPerS[i]));
                report.put("chat_ttft_p50_ms_" + names[i], RestBenchmark.median(ttftMs[i]));
            }
            report.put("sse_over_grpc_tokens_per_s_1", RestBenchmark.medianRatio(tokensPerS[1], tokensPerS[0]));
            report.put("sse_over_grpc_tokens_per_s_16", RestBenchmark.medianRatio(tokensPerS[3], tokensPerS[2]));
            report.put("sse_over_grpc_ttft_1", RestBenchmark.medianRatio(ttftMs[1], ttftMs[0]));
            report.put("sse_over_grpc_ttft_16", RestBenchmark.medianRatio(ttftMs[3], ttftMs[2]));

            var infer = InferenceServiceGrpc.newFutureStub(server.channel());
            for (int batch : new int[] {1, 32}) {
                InferRequest grpcRequest = embedRequest(batch);
                HttpRequest restRequest = HttpRequest.newBuilder(URI.create(base + "/v1/embeddings"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\": \"" + MINILM + "\", \"input\": " + texts(batch) + "}"))
                        .build();
                Supplier<ListenableFuture<?>> grpc = () -> infer.infer(grpcRequest);
                Supplier<ListenableFuture<?>> rest = () -> RestBenchmark.rest(http, restRequest);
                double[][] perS = new double[2][rounds];
                LoadGenerator.closedLoop(4, Duration.ZERO, Duration.ofSeconds(2), grpc);
                LoadGenerator.closedLoop(4, Duration.ZERO, Duration.ofSeconds(2), rest);
                for (int r = 0; r < rounds; r++) {
                    for (int k = 0; k < 2; k++) {
                        int i = (k + r) % 2;
                        LoadGenerator.Run run = LoadGenerator.closedLoop(
                                4, Duration.ofMillis(500), Duration.ofSeconds(3), i == 0 ? grpc : rest);
                        if (!run.failed().isEmpty()) {
                            throw new IllegalStateException("embeddings failed: " + run.failed());
                        }
                        perS[i][r] = run.qps() * batch;
                    }
                }
                report.put("embeddings_per_s_grpc_batch" + batch, RestBenchmark.median(perS[0]));
                report.put("embeddings_per_s_openai_batch" + batch, RestBenchmark.median(perS[1]));
                report.put("openai_over_grpc_embeddings_batch" + batch, RestBenchmark.medianRatio(perS[1], perS[0]));
            }
        }
        report.put("note", "SSE and /v1/embeddings with the JDK's HttpClient over HTTP/1.1; gRPC through the same JVM");
        System.out.println(report.toPrettyString());
    }

    /** {@code n} threads streaming back to back for {@code d}: tokens per second, and the median TTFT in ms. */
    private static double[] streams(int n, Duration d, Callable<Stream> one) throws InterruptedException {
        AtomicLong tokens = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> ttfts = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        Stream s = one.call();
                        tokens.addAndGet(s.tokens());
                        ttfts.add(s.ttftNanos());
                    } catch (Exception e) {
                        throw new IllegalStateException("a stream failed", e);
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(d.toMillis());
        running.set(false);
        for (Thread t : threads) {
            t.join(120_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = ttfts.stream().mapToLong(Long::longValue).sorted().toArray();
        return new double[] {tokens.get() / seconds, sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1e6};
    }

    private static Stream grpcChat(InferenceServiceGrpc.InferenceServiceBlockingStub stub) {
        long sent = System.nanoTime();
        long first = 0;
        long count = 0;
        for (Iterator<GenerateResponse> it = stub.generate(GenerateRequest.newBuilder()
                        .setModelName(GPT)
                        .setText("User: " + PROMPT + "\n\nAssistant:")
                        .setSampling(SamplingParams.newBuilder()
                                .setMaxNewTokens(TOKENS)
                                .addStopSequences("\nUser:"))
                        .build());
                it.hasNext(); ) {
            GenerateResponse r = it.next();
            if (first == 0 && r.getTokensCount() > 0) {
                first = System.nanoTime();
            }
            count += r.getTokensCount();
        }
        return new Stream(first - sent, count);
    }

    private static Stream sseChat(HttpClient http, String base) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + GPT + "\", \"max_tokens\": " + TOKENS
                        + ", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"" + PROMPT
                        + "\"}]}"))
                .build();
        long sent = System.nanoTime();
        long[] first = {0};
        long[] count = {0};
        http.send(request, HttpResponse.BodyHandlers.ofLines())
                .body()
                .filter(l -> l.startsWith("data: ") && l.contains("\"content\":\"") && !l.contains("\"role\""))
                .forEach(l -> {
                    if (first[0] == 0) {
                        first[0] = System.nanoTime();
                    }
                    count[0]++;
                });
        return new Stream(first[0] - sent, count[0]);
    }

    private static String texts(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"sentence number ").append(i).append(" of the benchmark\"");
        }
        return b.append(']').toString();
    }

    private static InferRequest embedRequest(int n) {
        TensorContents.Builder c = TensorContents.newBuilder();
        for (int i = 0; i < n; i++) {
            c.addBytesContents(
                    com.google.protobuf.ByteString.copyFromUtf8("sentence number " + i + " of the benchmark"));
        }
        return InferRequest.newBuilder()
                .setModelName(MINILM)
                .addInputs(Tensor.newBuilder()
                        .setName("text")
                        .setDatatype(DataType.BYTES)
                        .addShape(n)
                        .setContents(c))
                .build();
    }
}
