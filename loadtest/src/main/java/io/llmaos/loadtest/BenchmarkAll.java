package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every benchmark scenario side by side in one run, each in its own JVM with its own flags (the
 * scripts in {@code loadtest/bin} run one scenario through here): the inference path layer by layer
 * (bare echo, engine in-process, adapter, served unbatched and batched, priorities under overload),
 * generation at 1 to 32 streams, telemetry's cost, model loading, resources and shared memory. Each
 * scenario's JSON is kept in the output folder; all of them make {@code benchmarks.json},
 * {@code BENCHMARKS.md} (machine, date, command, the goals and figures of each) and a self-contained
 * {@code benchmarks.html}.
 *
 * <p>Run: {@code loadtest/bin/benchmark-all [--only a,b] [--out DIR] [-- scenario arguments]}; {@code --from
 * loadtest/target/benchmarks/benchmarks.json} writes the reports of a run again.
 */
public final class BenchmarkAll {
    /**
     * One scenario: its main class, its JVM's options, its arguments after the server's class path and
     * the models folder, and whether a plain run includes it.
     */
    record Scenario(
            String name, String mainClass, List<String> jvm, List<String> args, boolean byDefault, String what) {}

    private static final List<String> ONE_THREAD = List.of(
            "-Xmx1g",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-Dai.djl.pytorch.num_interop_threads=1");

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario(
                    "inference",
                    "io.llmaos.loadtest.InferenceBenchmark",
                    ONE_THREAD,
                    List.of("5"),
                    true,
                    "the inference path layer by layer: bare echo, engine, adapter, served (llmaos, OIP), batching, priorities"),
            new Scenario(
                    "generate",
                    "io.llmaos.loadtest.GenerateBenchmark",
                    ONE_THREAD,
                    List.of("10"),
                    true,
                    "generation on gpt-kjv at 1, 4, 16 and 32 streams; TTFT; the engine's batched step"),
            new Scenario(
                    "telemetry-cost",
                    "io.llmaos.loadtest.TelemetryCostBenchmark",
                    List.of("-Xmx1g"),
                    List.of("8", "3"),
                    true,
                    "what metrics, traces and the access log cost"),
            new Scenario(
                    "model-load",
                    "io.llmaos.loadtest.ModelLoadBenchmark",
                    List.of("-Xmx1g"),
                    List.of("3"),
                    true,
                    "model load and unload times"),
            new Scenario(
                    "resource",
                    "io.llmaos.loadtest.ResourceBenchmark",
                    List.of("-Xmx512m"),
                    List.of("3", "5"),
                    true,
                    "the resource monitor's cost and accuracy"),
            new Scenario(
                    "shm",
                    "io.llmaos.loadtest.SharedMemoryBenchmark",
                    List.of("-Xmx1g"),
                    List.of("30"),
                    true,
                    "system shared memory against inline tensors"),
            new Scenario(
                    "rest",
                    "io.llmaos.loadtest.RestBenchmark",
                    List.of("-Xmx1g"),
                    List.of("4"),
                    true,
                    "KServe v2 REST and SSE generation against gRPC from the same client"),
            new Scenario(
                    "openai",
                    "io.llmaos.loadtest.OpenAiBenchmark",
                    List.of("-Xmx1g"),
                    List.of("3"),
                    true,
                    "the OpenAI-compatible API (chat SSE, embeddings) against gRPC from the same client"),
            new Scenario(
                    "soak",
                    "io.llmaos.loadtest.Soak",
                    List.of("-Xmx1g"),
                    List.of("30"),
                    false,
                    "a long mixed run: memory, threads and files stay flat (not in a plain run)"));

    private BenchmarkAll() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(
                    "usage: BenchmarkAll <server class path> <models dir> [--only a,b] [--out DIR] [-- args]");
            System.exit(2);
        }
        String serverClasspath = args[0];
        Path models = Path.of(args[1]);
        List<String> only = List.of();
        Path out = Path.of("loadtest/target/benchmarks");
        Path markdown = Path.of("BENCHMARKS.md");
        List<String> extra = null;
        Path from = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> only = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--markdown" -> markdown = Path.of(args[++i]);
                case "--from" -> from = Path.of(args[++i]);
                case "--" -> {
                    extra = List.of(args).subList(i + 1, args.length);
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ObjectMapper json = new ObjectMapper();
        if (from != null) {
            // the reports again from a run's benchmarks.json
            JsonNode saved = json.readTree(from.toFile());
            Files.writeString(markdown, BenchmarkReport.markdown(saved, SCENARIOS));
            Files.writeString(from.resolveSibling("benchmarks.html"), BenchmarkReport.html(saved, SCENARIOS));
            return;
        }
        List<Scenario> chosen = choose(only);
        Files.createDirectories(out);
        ObjectNode all = json.createObjectNode();
        all.put("date", Instant.now().toString());
        all.put(
                "command",
                "loadtest/bin/benchmark-all " + String.join(" ", List.of(args).subList(2, args.length)));
        all.set("machine", machine(json));
        ObjectNode results = all.putObject("scenarios");
        for (Scenario s : chosen) {
            List<String> scenarioArgs = extra != null && !extra.isEmpty() ? extra : s.args();
            System.err.println("benchmark-all: " + s.name() + " " + String.join(" ", scenarioArgs));
            JsonNode result = run(s, serverClasspath, models, scenarioArgs, out, json);
            results.set(s.name(), result);
            if (chosen.size() == 1) {
                System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(result));
                return; // one scenario: its own JSON, as its script always printed
            }
        }
        Files.writeString(
                out.resolve("benchmarks.json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        Files.writeString(markdown, BenchmarkReport.markdown(all, SCENARIOS));
        Files.writeString(out.resolve("benchmarks.html"), BenchmarkReport.html(all, SCENARIOS));
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        System.err.println("benchmark-all: " + markdown + ", " + out.resolve("benchmarks.html"));
    }

    static List<Scenario> choose(List<String> only) {
        if (only.isEmpty()) {
            return SCENARIOS.stream().filter(Scenario::byDefault).toList();
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : only) {
            chosen.add(SCENARIOS.stream()
                    .filter(s -> s.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no scenario '" + name + "' ("
                            + String.join(
                                    ", ", SCENARIOS.stream().map(Scenario::name).toList()) + ")")));
        }
        return chosen;
    }

    /** Runs one scenario in its own JVM; its JSON, or {"error": ...} when it failed. */
    private static JsonNode run(
            Scenario s, String serverClasspath, Path models, List<String> args, Path out, ObjectMapper json)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(s.jvm());
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), s.mainClass(), serverClasspath, models.toString()));
        command.addAll(args);
        Path stdout = out.resolve(s.name() + ".json");
        Path log = out.resolve(s.name() + ".log");
        Process p = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(log.toFile())
                .start();
        int rc = p.waitFor();
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        int start = text.indexOf('{');
        if (rc != 0 || start < 0) {
            ObjectNode failed = json.createObjectNode();
            failed.put("error", "exit code " + rc + "; see " + log);
            return failed;
        }
        return json.readTree(text.substring(start));
    }

    private static ObjectNode machine(ObjectMapper json) {
        ObjectNode m = json.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.put("cpu", line.substring(line.indexOf(':') + 1).strip());
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    m.put("memory_kib", Long.parseLong(line.replaceAll("\\D", "")));
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's facts only
        }
        return m;
    }

    /** The scenarios' names and what they measure. */
    static Map<String, String> descriptions() {
        Map<String, String> d = new java.util.LinkedHashMap<>();
        SCENARIOS.forEach(s -> d.put(s.name(), s.what()));
        return d;
    }
}
