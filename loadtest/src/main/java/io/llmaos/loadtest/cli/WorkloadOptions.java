package io.llmaos.loadtest.cli;

import io.grpc.Channel;
import io.llmaos.loadtest.tool.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags that say what a load test runs (load steps, API, inputs, generation, priority and tenant
 * mixes, warm-up and stability windows), shared by {@code llmaos loadtest} and {@code llmaos
 * optimize} as a picocli mixin; a command may start it with its own defaults.
 */
public final class WorkloadOptions {
    /** The defaults of {@code llmaos loadtest}: steps of 1, 8 and 32, 5 s warm-up and windows, 3 stable of 10. */
    public WorkloadOptions() {
        this(List.of(1, 8, 32), "5s", "5s", 3, 10);
    }

    /**
     * Options with these defaults.
     *
     * @param concurrency   the closed-loop steps when neither --concurrency nor --rate is given
     * @param warmup        --warmup
     * @param window        --window
     * @param stableWindows --stable-windows
     * @param maxWindows    --max-windows
     */
    public WorkloadOptions(List<Integer> concurrency, String warmup, String window, int stableWindows, int maxWindows) {
        this.defaultConcurrency = List.copyOf(concurrency);
        this.warmup = warmup;
        this.window = window;
        this.stableWindows = stableWindows;
        this.maxWindows = maxWindows;
    }

    private final List<Integer> defaultConcurrency;

    @Option(
            names = "--concurrency",
            split = ",",
            paramLabel = "N[,N...]",
            description = "Closed loop: requests outstanding, one step per value (default 1,8,32; llmaos optimize: 32)")
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
                    "Warm-up per step (default ${DEFAULT-VALUE}: a fresh JVM, the server's or this one, takes seconds to settle)")
    String warmup;

    @Option(names = "--window", description = "A measurement window (default ${DEFAULT-VALUE})")
    String window;

    @Option(names = "--stability", description = "How far windows may differ and agree (default 10%%)")
    String stability = "10%";

    @Option(names = "--stable-windows", description = "Windows in a row that must agree (default ${DEFAULT-VALUE})")
    int stableWindows;

    @Option(names = "--max-windows", description = "The most windows per step (default ${DEFAULT-VALUE})")
    int maxWindows;

    /** {@code w} with {@code prompts}. */
    static Workload withPrompts(Workload w, List<String> prompts) {
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

    /**
     * {@code w}, with prompts of about --prompt-tokens of the model's tokens (asked of its tokenizer over
     * {@code channel}) where that flag was given.
     */
    public Workload withTokenPrompts(Channel channel, Workload w) {
        if (promptTokens == null || w.generation() == null) {
            return w;
        }
        return withPrompts(w, io.llmaos.loadtest.tool.Prompts.ofTokens(channel, w.model(), promptTokens, 64));
    }

    /** The workload these options describe for {@code model} (IllegalArgumentException for a bad flag). */
    public Workload workload(String model, long version) throws java.io.IOException {
        return workload(model, version, false);
    }

    /** As {@link #workload(String, long)}; a {@code generative} model is sent Generate requests without --generate. */
    public Workload workload(String model, long version, boolean generative) throws java.io.IOException {
        boolean generate = this.generate || generative;
        if (promptTokens != null && prompts != null) {
            throw new IllegalArgumentException("give --prompts or --prompt-tokens, not both");
        }
        if (concurrency != null && rate != null) {
            throw new IllegalArgumentException("give --concurrency or --rate, not both");
        }
        Workload.Load load = rate != null
                ? new Workload.Open(rate, arrival, maxInFlight)
                : new Workload.Closed(concurrency != null ? concurrency : defaultConcurrency);
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
