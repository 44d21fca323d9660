package io.llmaos.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmaos.loadtest.tool.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a result's reports into a folder: report.json, report.csv and report.html. */
public final class Reports {
    /** perf_analyzer's CSV header (its first column says the load: Concurrency or Request Rate). */
    static final String CSV_COLUMNS = "Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue,"
            + "Server Compute Input,Server Compute Infer,Server Compute Output,Client Recv,"
            + "p50 latency,p90 latency,p95 latency,p99 latency,Avg latency,request/response,response wait";

    private Reports() {}

    /** Writes the three reports of {@code result} into {@code dir} (made if missing). */
    public static void write(Result result, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), json(result));
        Files.writeString(dir.resolve("report.csv"), csv(result));
        Files.writeString(dir.resolve("report.html"), HtmlReport.of(result));
    }

    /** The result as JSON. */
    public static String json(Result result) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
    }

    /**
     * perf_analyzer's CSV, in microseconds: the server's queue and compute time from its responses,
     * the rest of the mean latency as network and server send/receive; what the client cannot split
     * (send, receive, compute input and output) is 0. Generation runs add TTFT, inter-token latency and
     * tokens/s columns.
     */
    public static String csv(Result result) {
        boolean generation = result.steps().stream().anyMatch(s -> s.generation() != null);
        StringBuilder b =
                new StringBuilder(result.unit().equals("rate") ? "Request Rate," : "Concurrency,").append(CSV_COLUMNS);
        if (generation) {
            b.append(",TTFT p50,TTFT p99,Inter-token p50,Inter-token p99,Output tokens/s,Tokens/s per stream");
        }
        b.append('\n');
        for (Result.Step s : result.steps()) {
            double queue = Math.max(0, s.serverQueueUs());
            double compute = Math.max(0, s.serverComputeUs());
            double network = Math.max(0, s.latency().mean() - queue - compute);
            b.append(number(s.level()))
                    .append(',')
                    .append(number(s.throughput()))
                    .append(",0,")
                    .append(Math.round(network))
                    .append(',')
                    .append(Math.round(queue))
                    .append(",0,")
                    .append(Math.round(compute))
                    .append(",0,0,")
                    .append(s.latency().p50())
                    .append(',')
                    .append(s.latency().p90())
                    .append(',')
                    .append(s.latency().p95())
                    .append(',')
                    .append(s.latency().p99())
                    .append(',')
                    .append(Math.round(s.latency().mean()))
                    .append(",0,0");
            if (generation) {
                Result.Generation g = s.generation();
                b.append(',')
                        .append(g.ttft().p50())
                        .append(',')
                        .append(g.ttft().p99())
                        .append(',')
                        .append(g.interTokenLatency().p50())
                        .append(',')
                        .append(g.interTokenLatency().p99())
                        .append(',')
                        .append(number(g.outputTokensPerSecond()))
                        .append(',')
                        .append(number(g.tokensPerSecondPerStream()));
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
