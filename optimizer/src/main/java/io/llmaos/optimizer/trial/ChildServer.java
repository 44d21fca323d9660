package io.llmaos.optimizer.trial;

import io.llmaos.client.LlmaosClient;
import io.llmaos.loadtest.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server the optimizer starts as a separate process (--models DIR) on a free loopback port, serving
 * only the model under search, from this JVM's class path; restarted when the server knobs change or
 * after a crash, stopped (SIGTERM) at the end.
 */
public final class ChildServer implements ServerTarget {
    private final String classpath;
    private final List<String> jvmOptions;
    private final Path repository;
    private final String model;
    private final List<String> extraArgs;
    private List<String> flags = List.of();
    private ServerProcess process;
    private LlmaosClient client;

    /**
     * Starts it.
     *
     * @param extraArgs more server flags, given to every start (e.g. --pytorch-threads 1)
     */
    public ChildServer(String classpath, List<String> jvmOptions, Path repository, String model, List<String> extraArgs)
            throws Exception {
        this.classpath = classpath;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.repository = repository;
        this.model = model;
        this.extraArgs = List.copyOf(extraArgs);
        start();
    }

    private void start() throws Exception {
        List<String> args = new ArrayList<>(
                List.of("--host", "127.0.0.1", "--models", repository.toString(), "--load-models", model));
        args.addAll(extraArgs);
        args.addAll(flags);
        process = ServerProcess.start(classpath, jvmOptions, args);
        client = LlmaosClient.builder()
                .target("127.0.0.1:" + process.port())
                .maxAttempts(1)
                .build();
    }

    private void stop() throws InterruptedException {
        if (client != null) {
            client.close();
            client = null;
        }
        if (process != null) {
            process.close();
            process = null;
        }
    }

    @Override
    public LlmaosClient client() {
        return client;
    }

    @Override
    public boolean owned() {
        return true;
    }

    @Override
    public void ensureFlags(List<String> wanted) throws Exception {
        if (!wanted.equals(flags) || process == null || !process.alive()) {
            stop();
            flags = List.copyOf(wanted);
            start();
        }
    }

    @Override
    public boolean alive() {
        if (process == null || !process.alive()) {
            return false;
        }
        try {
            return client.isServing();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean recover() throws Exception {
        stop();
        start();
        return alive();
    }

    /** The server process's id (for a test that kills it). */
    public long pid() {
        return process.pid();
    }

    /** What the server printed lately (its last lines, for a crash's note). */
    public List<String> lastOutput(int lines) {
        List<String> all = process == null ? List.of() : process.output();
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    @Override
    public Path repository() {
        return repository;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
