package io.llmaos.loadtest.cli;

import io.llmaos.client.LlmaosClient;
import io.llmaos.client.cli.Connection;
import io.llmaos.loadtest.report.Reports;
import io.llmaos.loadtest.tool.LoadTest;
import io.llmaos.loadtest.tool.Result;
import io.llmaos.loadtest.tool.Workload;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llmaos loadtest MODEL}: measures a model on a running server (closed-loop concurrency or
 * open-loop rate sweeps, tensor or generation requests, priority and tenant mixes), printing each
 * window as it goes and writing report.json, report.csv and report.html with {@code --report}.
 */
@Command(
        name = "llmaos loadtest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Measure a model on a running server: throughput, latency percentiles, errors, the"
                + " server's queue and compute split; TTFT, inter-token latency and tokens/s for generation.")
public final class LoadtestCli implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model to measure")
    String model;

    @Mixin
    Connection connection;

    @Option(names = "--model-version", description = "Its version (default: the server's choice)")
    long version;

    @Option(
            names = "--concurrency",
            split = ",",
            paramLabel = "N[,N...]",
            description = "Closed loop: requests outstanding, one step per value (default 1,8,32)")
    List<Integer> concurrency;

    @Option(
            names = "--rate",
            split = ",",
            paramLabel = "R[,R...]",
            description = "Open loop: requests per second, one step per value (latency from the intended send time)")
    List<Double> rate;

    @Option(names = "--arrival", description = "Open loop: constant or poisson (default constant)")
    Workload.Arrival arrival = Workload.Arrival.CONSTANT;

    @Option(names = "--max-in-flight", description = "Open loop: most requests outstanding (default 256)")
    int maxInFlight = 256;

    @Option(names = "--api", description = "llmaos (Infer), oip (ModelInfer) or stream (InferStream); default llmaos")
    String api = "llmaos";

    @Option(names = "--generate", description = "Generation: streamed Generate requests")
    boolean generate;

    @Option(names = "--prompts", paramLabel = "FILE", description = "Generation: prompts, one per line")
    Path prompts;

    @Option(names = "--prompt-words", description = "Generation: synthetic prompts of this many words (default 16)")
    int promptWords = 16;

    @Option(
            names = "--prompt-tokens",
            description =
                    "Generation: synthetic prompts of about this many of the model's tokens (asked of its tokenizer)")
    Integer promptTokens;

    @Option(names = "--max-tokens", description = "Generation: tokens per request (default 64)")
    int maxTokens = 64;

    @Option(
            names = "--stop-at-eos",
            description = "Generation: let a sequence end at EOS (default: it makes --max-tokens)")
    boolean stopAtEos;

    @Option(names = "--temperature", description = "Generation: sampling temperature (default 0, greedy)")
    float temperature;

    @Option(names = "--top-p", description = "Generation: nucleus sampling (default 1)")
    float topP = 1;

    @Option(names = "--inputs", description = "random or zeros (default random, within each input's datatype)")
    Workload.Data inputs = Workload.Data.RANDOM;

    @Option(
            names = "--input-data",
            paramLabel = "FILE|DIR",
            description = "Inputs from perf_analyzer's JSON ({\"data\": [{\"INPUT\": [...]}, ...]}, one request per"
                    + " entry) or a folder of NAME.npy files")
    Path inputData;

    @Option(names = "--batch-size", description = "Rows per request (default 1)")
    int batchSize = 1;

    @Option(
            names = "--priority-mix",
            paramLabel = "P:W[,P:W...]",
            description = "Priorities by weight, e.g. 1:0.1,2:0.9")
    String priorityMix;

    @Option(names = "--tenant-mix", paramLabel = "T:W[,T:W...]", description = "Tenants by weight, e.g. a:1,b:3")
    String tenantMix;

    @Option(
            names = "--warmup",
            description =
                    "Warm-up per step (default 5s: a fresh JVM, the server's or this one, takes seconds to settle)")
    String warmup = "5s";

    @Option(names = "--window", description = "A measurement window (default 5s)")
    String window = "5s";

    @Option(names = "--stability", description = "How far windows may differ and agree (default 10%%)")
    String stability = "10%";

    @Option(names = "--stable-windows", description = "Windows in a row that must agree (default 3)")
    int stableWindows = 3;

    @Option(names = "--max-windows", description = "The most windows per step (default 10)")
    int maxWindows = 10;

    @Option(names = "--report", paramLabel = "DIR", description = "Write report.json, report.csv and report.html here")
    Path report;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadtestCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Workload w;
        try {
            w = workload();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("llmaos loadtest: " + e.getMessage());
            return 2;
        }
        try (LlmaosClient client = connection.builder().maxAttempts(1).build()) {
            if (promptTokens != null && w.generation() != null) {
                w = withPrompts(w, io.llmaos.loadtest.tool.Prompts.ofTokens(client.channel(), model, promptTokens, 64));
            }
            Result result = LoadTest.run(client.channel(), w, new ConsoleProgress(out));
            if (report != null) {
                Reports.write(result, report);
                out.println("reports: " + report.resolve("report.html") + ", report.json, report.csv");
            }
            out.flush();
            boolean failed = result.steps().stream().anyMatch(s -> s.requests() == 0);
            return failed ? 1 : 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("llmaos loadtest: " + e.getMessage());
            return 2;
        } catch (io.grpc.StatusRuntimeException e) {
            spec.commandLine()
                    .getErr()
                    .println("llmaos loadtest: " + e.getStatus().getCode() + ": "
                            + e.getStatus().getDescription());
            return 1;
        }
    }

    /** {@code w} with {@code prompts}. */
    private static Workload withPrompts(Workload w, List<String> prompts) {
        Workload.Generation g = w.generation();
        return new Workload(
                w.model(),
                w.version(),
                w.api(),
                w.load(),
                w.inputs(),
                w.priorities(),
                w.tenants(),
                new Workload.Generation(prompts, g.maxTokens(), g.ignoreEos(), g.temperature(), g.topP()),
                w.warmup(),
                w.window(),
                w.stability(),
                w.stableWindows(),
                w.maxWindows());
    }

    Workload workload() throws java.io.IOException {
        if (promptTokens != null && prompts != null) {
            throw new IllegalArgumentException("give --prompts or --prompt-tokens, not both");
        }
        if (concurrency != null && rate != null) {
            throw new IllegalArgumentException("give --concurrency or --rate, not both");
        }
        Workload.Load load = rate != null
                ? new Workload.Open(rate, arrival, maxInFlight)
                : new Workload.Closed(concurrency != null ? concurrency : List.of(1, 8, 32));
        Workload.Api which = generate
                ? Workload.Api.GENERATE
                : switch (api.toLowerCase(java.util.Locale.ROOT)) {
                    case "llmaos" -> Workload.Api.LLMAOS;
                    case "oip" -> Workload.Api.OIP;
                    case "stream" -> Workload.Api.STREAM;
                    default -> throw new IllegalArgumentException("--api takes llmaos, oip or stream");
                };
        Workload.Generation generation = null;
        if (generate) {
            List<String> texts = prompts != null
                    ? Files.readAllLines(prompts).stream()
                            .filter(l -> !l.isBlank())
                            .toList()
                    : Workload.Generation.synthetic(64, promptWords, 7);
            generation = new Workload.Generation(texts, maxTokens, !stopAtEos, temperature, topP);
        }
        return new Workload(
                model,
                version,
                which,
                load,
                new Workload.Inputs(inputs, batchSize, inputData),
                Mixes.priorities(priorityMix),
                Mixes.tenants(tenantMix),
                generation,
                Mixes.duration(warmup, "--warmup"),
                Mixes.duration(window, "--window"),
                Mixes.share(stability),
                stableWindows,
                maxWindows);
    }
}
