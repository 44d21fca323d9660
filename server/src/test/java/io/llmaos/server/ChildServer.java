package io.llmaos.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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

/** The server as a separate process (its own exit status and memory), started from the test class path. */
public final class ChildServer implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;
    private final int port;

    private ChildServer(Process process) throws InterruptedException {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (IOException | UncheckedIOException ignored) {
                // the process ended
            }
        });
        reader.start();
        this.port = awaitPort();
    }

    /**
     * Starts {@code Main serve --port 0} plus {@code args} (the metrics endpoint off unless they set
     * {@code --metrics-port}), with {@code jvm} options.
     */
    public static ChildServer start(List<String> jvm, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(
                List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--port", "0"));
        if (!List.of(args).contains("--metrics-port")) {
            command.addAll(List.of("--metrics-port", "0"));
        }
        if (!List.of(args).contains("--http-port")) {
            command.addAll(List.of("--http-port", "0"));
        }
        command.addAll(List.of(args));
        return new ChildServer(
                new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public ManagedChannel channel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** The process's resident set size. */
    public long rssBytes() throws IOException {
        String[] f = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "statm"))
                .trim()
                .split("\\s+");
        return Long.parseLong(f[1]) * 4096;
    }

    /** Sends {@code signal} (e.g. TERM) and waits for the exit status. */
    public int signalAndWait(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0 || !process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not stop after SIG" + signal + ":\n" + output());
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Everything the process printed so far. */
    public String output() {
        lines.drainTo(seen);
        return String.join("\n", seen);
    }

    private int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        throw new AssertionError("the server never said it was serving:\n" + output());
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
