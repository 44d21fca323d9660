package io.llmaos.loadtest;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as a separate process for a benchmark (so its memory and CPU are its own): it
 * is given a free port, its output is kept, and {@link #close} stops it with SIGTERM.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving on [^:]+:(\\d+)");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private final List<String> output = new ArrayList<>();
    private final int port;
    private final ManagedChannel channel;

    /** @param fromError read the server's standard error (its standard output goes elsewhere) */
    private ServerProcess(Process process, boolean fromError) throws InterruptedException {
        this.process = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(
                            fromError ? process.getErrorStream() : process.getInputStream(), StandardCharsets.UTF_8))) {
                        r.lines().forEach(lines::add);
                    } catch (IOException | java.io.UncheckedIOException ignored) {
                        // the process ended
                    }
                },
                "server-output");
        reader.setDaemon(true);
        reader.start();
        this.port = awaitPort();
        // callbacks run on the transport thread: the load generator's are short and never block, and
        // a client that hands each answer to another thread spends the cores the server needs
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .directExecutor()
                .build();
    }

    /**
     * Starts {@code io.llmaos.server.Main serve} with {@code classpath} and {@code args} (port 0 is
     * added, and the metrics endpoint is off unless {@code args} set --metrics-port), waiting until
     * it serves.
     */
    public static ServerProcess start(String classpath, List<String> jvmOptions, List<String> args)
            throws IOException, InterruptedException {
        List<String> serve = new ArrayList<>(List.of("serve", "--port", "0"));
        if (!args.contains("--metrics-port")) {
            serve.addAll(List.of("--metrics-port", "0"));
        }
        if (!args.contains("--http-port")) {
            serve.addAll(List.of("--http-port", "0"));
        }
        serve.addAll(args);
        return startMain(classpath, jvmOptions, "io.llmaos.server.Main", serve);
    }

    /**
     * A server under benchmark ({@link #benchmarkJvmOptions()}) on {@code models}, loading {@code load}
     * (comma-separated), its HTTP listener on {@code httpPort} ({@code http://127.0.0.1:httpPort}).
     */
    public static ServerProcess serveHttp(String classpath, java.nio.file.Path models, String load, int httpPort)
            throws IOException, InterruptedException {
        return start(
                classpath,
                benchmarkJvmOptions(),
                List.of("--models", models.toString(), "--load-models", load, "--http-port", String.valueOf(httpPort)));
    }

    /** The HTTP client the benchmarks use against the HTTP port: Java's, over HTTP/1.1. */
    public static java.net.http.HttpClient http11() {
        return java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A loopback port free now. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The JVM options of a server under benchmark: a 1 GiB heap, plus what
     * {@code LLMAOS_BENCH_SERVER_JVM_OPTS} adds (e.g. a profiler agent or JFR).
     */
    public static List<String> benchmarkJvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx1g"));
        String extra = System.getenv("LLMAOS_BENCH_SERVER_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    /** Starts {@code mainClass} (which must print "serving on HOST:PORT"), waiting until it serves. */
    public static ServerProcess startMain(
            String classpath, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        return new ServerProcess(
                new ProcessBuilder(command(classpath, jvmOptions, mainClass, args))
                        .redirectErrorStream(true)
                        .start(),
                false);
    }

    /**
     * As {@link #start}, the server's standard output (its access log) going to {@code stdout}, as a
     * deployment writes it to a file; its own log (standard error) is read here as usual.
     */
    public static ServerProcess startWithOutput(
            String classpath, List<String> jvmOptions, List<String> args, Path stdout)
            throws IOException, InterruptedException {
        List<String> serve = new ArrayList<>(List.of("serve", "--port", "0"));
        if (!args.contains("--metrics-port")) {
            serve.addAll(List.of("--metrics-port", "0"));
        }
        if (!args.contains("--http-port")) {
            serve.addAll(List.of("--http-port", "0"));
        }
        serve.addAll(args);
        return new ServerProcess(
                new ProcessBuilder(command(classpath, jvmOptions, "io.llmaos.server.Main", serve))
                        .redirectOutput(stdout.toFile())
                        .redirectError(ProcessBuilder.Redirect.PIPE)
                        .start(),
                true);
    }

    private static List<String> command(
            String classpath, List<String> jvmOptions, String mainClass, List<String> args) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        return command;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Whether the server process is still running. */
    public boolean alive() {
        return process.isAlive();
    }

    /** The process id, for a profiler to attach to. */
    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    /** The server's resident set size now. */
    public long rssBytes() {
        try {
            String[] fields = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "statm"))
                    .trim()
                    .split("\\s+");
            return Long.parseLong(fields[1]) * 4096;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The server's threads now (from {@code /proc/PID/status}); -1 where that cannot be read. */
    public long threads() {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith("Threads:"))
                    .mapToLong(
                            l -> Long.parseLong(l.substring("Threads:".length()).trim()))
                    .findFirst()
                    .orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The server's open file descriptors now (sockets included); -1 where that cannot be read. */
    public long openFiles() {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time (user and system) the whole server process has used so far, in seconds, from
     * {@code /proc/PID/stat} at the usual 100 ticks per second; -1 where that cannot be read.
     */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time the server's JIT compiler threads have used so far, in clock ticks (from
     * {@code /proc}); -1 where that cannot be read (not Linux).
     */
    public long compilerTicks() {
        return JitWarmup.compilerTicks(process.pid());
    }

    /** Drops what the server printed so far (a chatty server's lines are not kept). */
    public void forgetOutput() {
        lines.clear();
        output.clear();
    }

    /** Every line the server printed so far. */
    public List<String> output() {
        lines.drainTo(output);
        return List.copyOf(output);
    }

    private int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && process.isAlive()) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                output.add(line);
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        throw new IllegalStateException("the server did not start:\n" + String.join("\n", output()));
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
