package io.llmaos.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.llmaos.client.LlmaosClient;
import io.llmaos.client.Tensors;
import io.llmaos.loadtest.ServerProcess;
import io.llmaos.proto.v1.InferRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replicas on one machine, as behind the headless Service of deploy/k8s: three server processes on
 * loopback ports over one repository. The Java SDK given the three targets (round_robin with health
 * checking, retries of idempotent calls) spreads calls about evenly; the Python example does the same
 * with grpc's round_robin; a replica killed with SIGKILL mid-run fails no call (the calls it held are
 * retried on the others); a replica sent SIGTERM turns NOT_SERVING (leaving rotation) before it stops,
 * and no call fails. In that order, on the same replicas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutTest {
    /** The HPA's second metric (deploy/k8s/base/hpa.yaml), as the scrape names it. */
    static final String QUEUE_DEPTH = "llmaos_queue_depth";

    private static final String MODEL = "mlp-classifier";
    private static final int CALLS = 3000;
    private static final int THREADS = 6;

    private final List<ServerProcess> replicas = new ArrayList<>();
    private final List<Integer> metricsPorts = new ArrayList<>();

    @BeforeAll
    void startReplicas() throws Exception {
        List<CompletableFuture<ServerProcess>> starts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int metrics = freePort();
            metricsPorts.add(metrics);
            starts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return ServerProcess.start(
                            System.getProperty("java.class.path"),
                            List.of("-Xmx384m"),
                            List.of(
                                    "--models",
                                    Manifests.ROOT.resolve("models").toString(),
                                    "--load-models",
                                    MODEL,
                                    "--metrics-port",
                                    String.valueOf(metrics),
                                    "--shutdown-grace",
                                    "10s"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<ServerProcess> s : starts) {
            replicas.add(s.get(180, TimeUnit.SECONDS));
        }
    }

    @AfterAll
    void stopReplicas() throws Exception {
        for (ServerProcess r : replicas) {
            r.close();
        }
    }

    @Test
    @Order(1)
    void sdkSpreadsCallsEvenly() throws Exception {
        try (LlmaosClient client = client("spread")) {
            // until every replica has answered: all three subchannels are READY and healthy
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (completed(0, "spread") == 0 || completed(1, "spread") == 0 || completed(2, "spread") == 0) {
                assertTrue(System.nanoTime() < deadline, "every replica answers within a minute");
                client.infer(request());
            }
            long[] before = {completed(0, "spread"), completed(1, "spread"), completed(2, "spread")};
            Run run = run(client, CALLS, () -> {});
            assertEquals(0, run.failures().size(), "failed calls: " + run.failures());
            long[] served = new long[3];
            for (int i = 0; i < 3; i++) {
                served[i] = completed(i, "spread") - before[i];
            }
            System.out.printf("replicas served %d, %d, %d of %d calls%n", served[0], served[1], served[2], CALLS);
            assertEquals(CALLS, served[0] + served[1] + served[2]);
            for (long s : served) {
                assertTrue(Math.abs(s - CALLS / 3.0) <= 0.2 * CALLS / 3.0, "each within 20% of a third: " + s);
            }
        }
        // the autoscaler's queue-depth metric is in a real scrape
        String scrape = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPorts.get(0) + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(scrape.contains(QUEUE_DEPTH + "{"), "the scrape has " + QUEUE_DEPTH);
    }

    @Test
    @Order(2)
    void pythonRoundRobinSpreadsCalls() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")),
                "/usr/bin/python3 is not installed: the Python example is skipped");
        int calls = 300;
        long[] before = {completed(0, "python"), completed(1, "python"), completed(2, "python")};
        Process p = new ProcessBuilder(
                        Manifests.ROOT.resolve("examples/python/run.sh").toString(),
                        "round_robin.py",
                        targets(),
                        String.valueOf(calls))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("\"failures\": 0"), out);
        for (int i = 0; i < 3; i++) {
            long s = completed(i, "python") - before[i];
            assertTrue(Math.abs(s - calls / 3.0) <= 0.2 * calls / 3.0, "replica " + i + " served " + s + ": " + out);
        }
    }

    @Test
    @Order(3)
    void aReplicaKilledMidRunFailsNoCall() throws Exception {
        try (LlmaosClient client = client("kill")) {
            ProcessHandle victim = ProcessHandle.of(replicas.get(0).pid()).orElseThrow();
            Run run = run(client, CALLS, () -> victim.destroyForcibly()); // SIGKILL
            victim.onExit().get(30, TimeUnit.SECONDS);
            assertEquals(0, run.failures().size(), "failed calls: " + run.failures());
            assertEquals(CALLS, run.ok());
        }
    }

    @Test
    @Order(4)
    void aReplicaSentSigtermLeavesRotationBeforeItStops() throws Exception {
        ServerProcess leaving = replicas.get(1);
        ProcessHandle process = ProcessHandle.of(leaving.pid()).orElseThrow();
        List<ServingStatus> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> watchEnded = new CompletableFuture<>();
        HealthGrpc.newStub(leaving.channel())
                .watch(HealthCheckRequest.newBuilder().setService("").build(), new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.health.v1.HealthCheckResponse r) {
                        // seen while the process still runs: it says so before it stops
                        seen.add(process.isAlive() ? r.getStatus() : ServingStatus.UNKNOWN);
                    }

                    @Override
                    public void onError(Throwable t) {
                        watchEnded.complete(null);
                    }

                    @Override
                    public void onCompleted() {
                        watchEnded.complete(null);
                    }
                });
        try (LlmaosClient client = client("term")) {
            Run run = run(client, CALLS, process::destroy); // SIGTERM
            process.onExit().get(60, TimeUnit.SECONDS);
            watchEnded.get(30, TimeUnit.SECONDS);
            assertEquals(0, run.failures().size(), "failed calls: " + run.failures());
            assertEquals(CALLS, run.ok());
            assertEquals(ServingStatus.SERVING, seen.get(0), "serving before: " + seen);
            assertTrue(seen.contains(ServingStatus.NOT_SERVING), "NOT_SERVING while the process still ran: " + seen);
            assertTrue(replicas.get(2).alive());
        }
    }

    private LlmaosClient client(String tenant) {
        return LlmaosClient.builder()
                .targets(List.of(targets().split(",")))
                .tenant(tenant)
                .defaultDeadline(java.time.Duration.ofSeconds(30))
                .build();
    }

    private String targets() {
        return String.join(
                ",", replicas.stream().map(r -> "127.0.0.1:" + r.port()).toList());
    }

    private static InferRequest request() {
        float[] features = new float[16];
        for (int i = 0; i < 16; i++) {
            features[i] = i / 16f;
        }
        return InferRequest.newBuilder()
                .setModelName(MODEL)
                .addInputs(Tensors.fp32("features", new long[] {1, 16}, features))
                .build();
    }

    /** Requests of {@code tenant} that replica {@code i} completed. */
    private long completed(int i, String tenant) {
        try (LlmaosClient c = LlmaosClient.builder()
                .target("127.0.0.1:" + replicas.get(i).port())
                .build()) {
            return c.schedulerStats(MODEL).getModels(0).getTenantsList().stream()
                    .filter(t -> t.getTenant().equals(tenant))
                    .mapToLong(t -> t.getCompleted())
                    .sum();
        }
    }

    private record Run(long ok, List<String> failures) {}

    /** {@code calls} Infer calls from {@value #THREADS} threads; {@code midway} runs once a third have answered. */
    private static Run run(LlmaosClient client, int calls, Runnable midway) throws Exception {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
        InferRequest request = request();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                while (next.getAndIncrement() < calls) {
                    try {
                        client.infer(request);
                        if (ok.incrementAndGet() == calls / 3 && fired.compareAndSet(false, true)) {
                            midway.run();
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(3));
        }
        assertTrue(fired.get(), "the replica was stopped mid-run");
        return new Run(ok.get(), failures);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
