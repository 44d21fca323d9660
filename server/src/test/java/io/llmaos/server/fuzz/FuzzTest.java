package io.llmaos.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.LevelStats;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ModelSchedulerStats;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.TenantStats;
import io.llmaos.server.ChildServer;
import io.llmaos.server.RawCalls;
import io.llmaos.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.awaitility.Awaitility;

/**
 * Random and mutated requests for every RPC against a live server in its own process: raw bytes,
 * byte-level mutations of valid requests, and field-level perturbations with hostile strings and
 * numbers. Every answer must have a meaning (never UNKNOWN; INTERNAL only with an incident id),
 * trailers must fit a common client's 8 KiB, and afterwards the server must be SERVING with nothing
 * left in flight and its memory bounded. Tries per property: {@code jqwik.tries.default} (see
 * junit-platform.properties; {@code loadtest/bin/fuzz} runs it long). The statuses seen are written
 * to {@code target/fuzz-report.json}.
 */
class FuzzTest {
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(3);
    /** Watch streams never end by themselves: they are cut short. */
    private static final Duration WATCH_DEADLINE = Duration.ofMillis(300);

    private static final long RSS_GROWTH_LIMIT = 768L << 20;
    private static final List<String> DEMO = List.of("mlp-classifier", "tf-dense", "all-MiniLM-L6-v2", "gpt-kjv");

    private static ChildServer server;
    private static ManagedChannel channel;
    private static final RawCalls raw = new RawCalls();
    private static final Map<String, MethodDescriptor<?, ?>> methods = new TreeMap<>();
    private static final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
    private static final AtomicLong cases = new AtomicLong();
    private static long rssBefore;

    @BeforeContainer
    static void start() throws Exception {
        server = ChildServer.start(
                List.of("-Xmx512m"),
                "--models",
                TestServer.DEMO_MODELS.toString(),
                "--load-timeout",
                "5s",
                "--shutdown-grace",
                "1s");
        channel = raw.strictChannel(server.port());
        RawCalls.everyMethod().forEach(m -> methods.put(m.getFullMethodName(), m));
        rssBefore = server.rssBytes();
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            restoreModels();
            assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus());
            // nothing left queued or in flight, at any level or tenant of any model
            Awaitility.await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                for (ModelSchedulerStats s : SchedulerServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getStats(GetStatsRequest.getDefaultInstance())
                        .getModelsList()) {
                    for (LevelStats l : s.getLevelsList()) {
                        assertEquals(0, l.getInFlight() + l.getQueueDepth(), s.getModelName() + " " + l);
                    }
                    for (TenantStats t : s.getTenantsList()) {
                        assertEquals(0, t.getInFlight() + t.getQueueDepth(), s.getModelName() + " " + t);
                    }
                }
            });
            long rssAfter = server.rssBytes();
            report(rssAfter);
            assertTrue(
                    rssAfter - rssBefore < RSS_GROWTH_LIMIT,
                    "RSS grew from " + (rssBefore >> 20) + " MiB to " + (rssAfter >> 20) + " MiB");
        } finally {
            channel.shutdownNow();
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                // what the server said (a native crash says where its hs_err file is)
                Files.writeString(target.resolve("fuzz-server.log"), server.output());
            }
            server.close();
        }
    }

    @Provide
    Arbitrary<String> method() {
        return Arbitraries.of(new ArrayList<>(methods.keySet()));
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
                Tuple.of(
                        1,
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1000).ofMaxSize(20_000)));
    }

    /** Random bytes as the request of any method. */
    @Property
    void rawBytes(@ForAll("method") String method, @ForAll("noise") byte[] payload) throws Exception {
        send(method, payload);
    }

    @Provide
    Arbitrary<Tuple.Tuple2<FuzzCases.Case, byte[]>> mutated() {
        Arbitrary<FuzzCases.Case> valid = Arbitraries.of(FuzzCases.valid());
        Arbitrary<List<int[]>> edits = Combinators.combine(
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(0, 255))
                .as((kind, at, value) -> new int[] {kind, at, value})
                .list()
                .ofMinSize(1)
                .ofMaxSize(4);
        return Combinators.combine(valid, edits)
                .as((c, e) -> Tuple.of(c, mutate(c.build().apply(null).toByteArray(), e)));
    }

    /** Valid requests with some of their bytes flipped, inserted, deleted, duplicated or cut off. */
    @Property
    void mutatedRequests(@ForAll("mutated") Tuple.Tuple2<FuzzCases.Case, byte[]> request) throws Exception {
        send(request.get1().method(), request.get2());
    }

    @Provide
    Arbitrary<FuzzCases.Case> perturbation() {
        List<FuzzCases.Case> all = new ArrayList<>(FuzzPerturbations.all());
        all.addAll(FuzzCases.valid());
        return Arbitraries.of(all);
    }

    @Provide
    Arbitrary<FuzzCases.Values> values() {
        return FuzzCases.values();
    }

    /** One field of a valid request set to a hostile value. */
    @Property
    void fieldPerturbations(@ForAll("perturbation") FuzzCases.Case c, @ForAll("values") FuzzCases.Values v)
            throws Exception {
        Message request = c.build().apply(v);
        send(c.method(), request.toByteArray());
    }

    private static void send(String method, byte[] payload) throws Exception {
        if (cases.incrementAndGet() % 100 == 0) {
            restoreModels();
        }
        Status status = RawCalls.call(
                channel, methods.get(method), payload, method.contains("/Watch") ? WATCH_DEADLINE : CALL_DEADLINE);
        statuses.computeIfAbsent(status.getCode().name(), k -> new LongAdder()).increment();
        assertNotEquals(Status.Code.UNKNOWN, status.getCode(), method + ": " + status);
        if (status.getCode() == Status.Code.INTERNAL) {
            assertTrue(
                    status.getDescription() != null && status.getDescription().contains("incident"),
                    method + ": INTERNAL without an incident id: " + status);
        }
        assertTrue(raw.largestTrailers() < RawCalls.CLIENT_METADATA_LIMIT, "trailers of " + raw.largestTrailers());
    }

    /** Loads the demo models again (a fuzzed unload or override may have changed them). */
    private static void restoreModels() {
        var repository = ModelRepositoryServiceGrpc.newBlockingStub(channel);
        for (String model : DEMO) {
            try {
                repository
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .loadModel(LoadModelRequest.newBuilder().setName(model).build());
            } catch (io.grpc.StatusRuntimeException e) {
                throw new AssertionError("the demo model " + model + " no longer loads: " + e.getStatus(), e);
            }
        }
    }

    static byte[] mutate(byte[] input, List<int[]> edits) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : input) {
            bytes.add(b);
        }
        for (int[] e : edits) {
            int at = bytes.isEmpty() ? 0 : e[1] % bytes.size();
            switch (e[0]) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, (byte) (bytes.get(at) ^ (1 << (e[2] % 8))));
                    }
                }
                case 1 -> bytes.add(at, (byte) e[2]);
                case 2 -> {
                    if (!bytes.isEmpty()) {
                        bytes.remove(at);
                    }
                }
                case 3 -> bytes.subList(at, bytes.size()).clear();
                default -> bytes.addAll(at, new ArrayList<>(bytes.subList(at, Math.min(bytes.size(), at + 1 + e[2]))));
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private static void report(long rssAfter) throws Exception {
        StringBuilder json =
                new StringBuilder("{\"cases\": ").append(cases.get()).append(", \"statuses\": {");
        new TreeMap<>(statuses)
                .forEach((code, n) -> json.append('"')
                        .append(code)
                        .append("\": ")
                        .append(n.sum())
                        .append(", "));
        if (!statuses.isEmpty()) {
            json.setLength(json.length() - 2);
        }
        json.append("}, \"rss_before_mib\": ")
                .append(rssBefore >> 20)
                .append(", \"rss_after_mib\": ")
                .append(rssAfter >> 20)
                .append("}");
        System.out.println("fuzz report: " + json);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("fuzz-report.json"), json + "\n");
        }
    }
}
