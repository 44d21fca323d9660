package io.llmaos.loadtest.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine against a real gRPC server with a known delay: the latency it reports is that delay; an
 * open loop shows a stall of the server in its p99 where a closed loop hides it (coordinated
 * omission); mixes tag every request.
 */
class LoadTestTest {
    private DelayServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = new DelayServer(5);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static Workload workload(Workload.Api api, Workload.Load load, int windows, Duration window) {
        return workload(api, load, windows, window, Duration.ofMillis(300));
    }

    private static Workload workload(
            Workload.Api api, Workload.Load load, int windows, Duration window, Duration warmup) {
        return new Workload(
                "m",
                0,
                api,
                load,
                new Workload.Inputs(Workload.Data.RANDOM, 1),
                List.of(),
                List.of(),
                null,
                warmup,
                window,
                0.5,
                1,
                windows);
    }

    @Test
    void aFixedDelayIsReportedAsTheMedian() throws Exception {
        // what one plain client sees of the 5 ms server, transport included: the truth to match
        var plain = io.llmaos.proto.v1.InferenceServiceGrpc.newBlockingStub(channel);
        var request =
                io.llmaos.proto.v1.InferRequest.newBuilder().setModelName("m").build();
        org.HdrHistogram.Histogram truth = new org.HdrHistogram.Histogram(3);
        for (int i = 0; i < 400; i++) {
            long t0 = System.nanoTime();
            plain.infer(request);
            if (i >= 100) {
                truth.recordValue((System.nanoTime() - t0) / 1000);
            }
        }
        long expected = truth.getValueAtPercentile(50);
        assertTrue(expected >= 5000, "the server waits 5 ms: " + expected);
        for (Workload.Api api : List.of(Workload.Api.LLMAOS, Workload.Api.OIP, Workload.Api.STREAM)) {
            Result r = LoadTest.run(
                    channel,
                    workload(api, new Workload.Closed(List.of(1)), 1, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                    LoadTest.Progress.NONE);
            Result.Step s = r.steps().get(0);
            long p50 = s.latency().p50();
            assertTrue(p50 >= 5000, api + ": never below the server's 5 ms: " + p50);
            if (api == Workload.Api.STREAM) {
                // a stream saves each call's set-up: at most what a plain unary client sees
                assertTrue(p50 <= 1.1 * expected, api + ": p50 " + p50 + " us, a plain client's " + expected + " us");
            } else {
                assertTrue(
                        Math.abs(p50 - expected) <= 0.1 * expected,
                        api + ": p50 " + p50 + " us, a plain client's " + expected + " us");
            }
            assertTrue(s.requests() > 150, api + ": " + s.requests() + " requests");
            assertEquals(java.util.Map.of(), s.errors());
            double perSecond = 1e6 / expected;
            assertTrue(Math.abs(s.throughput() - perSecond) <= 0.2 * perSecond, "one caller: " + s.throughput());
        }
    }

    @Test
    void anOpenLoopShowsAStallThatAClosedLoopHides() throws Exception {
        Result.Step closed = stalled(new Workload.Closed(List.of(4)));
        Result.Step open = stalled(new Workload.Open(List.of(200.0), Workload.Arrival.CONSTANT, 1000));
        assertTrue(
                closed.latency().p99() < 100_000,
                "closed loop p99 " + closed.latency().p99() + " us");
        assertTrue(
                open.latency().p99() > 500_000,
                "open loop p99 " + open.latency().p99() + " us");
        assertTrue(
                closed.latency().max() >= 900_000,
                "both saw the stall: " + closed.latency().max());
    }

    /** One 3 s window in which the server stalls for 1 s. */
    private Result.Step stalled(Workload.Load load) throws Exception {
        Thread stall = new Thread(() -> {
            try {
                Thread.sleep(1300);
                server.stall(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stall.start();
        Result r = LoadTest.run(
                channel, workload(Workload.Api.LLMAOS, load, 1, Duration.ofSeconds(3)), LoadTest.Progress.NONE);
        stall.join();
        return r.steps().get(0);
    }

    @Test
    void mixesTagEveryRequestByWeight() throws Exception {
        Workload w = new Workload(
                "m",
                0,
                Workload.Api.LLMAOS,
                new Workload.Closed(List.of(8)),
                new Workload.Inputs(Workload.Data.ZEROS, 2),
                List.of(new Workload.Weighted<>(1, 1), new Workload.Weighted<>(2, 3)),
                List.of(new Workload.Weighted<>("a", 1), new Workload.Weighted<>("b", 1)),
                null,
                Duration.ofMillis(200),
                Duration.ofSeconds(2),
                0.5,
                1,
                1);
        Result.Step s = LoadTest.run(channel, w, LoadTest.Progress.NONE).steps().get(0);
        long p1 = s.byTag().get("priority=1").requests();
        long p2 = s.byTag().get("priority=2").requests();
        long a = s.byTag().get("tenant=a").requests();
        long b = s.byTag().get("tenant=b").requests();
        // a request ending as the window closes may fall on either side of it in one count and not the other
        assertTrue(Math.abs(s.requests() - (p1 + p2)) <= 8, s.requests() + " vs " + (p1 + p2));
        assertTrue(Math.abs(s.requests() - (a + b)) <= 8, s.requests() + " vs " + (a + b));
        double share = (double) p2 / s.requests();
        assertTrue(share > 0.65 && share < 0.85, "priority 2 is 3 in 4: " + share);
    }

    @Test
    void stepsSettleWhenWindowsAgree() {
        Recording steady = new Recording();
        List<Recording.WindowStats> windows = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (int n = 0; n < 100; n++) {
                steady.ok(1000 + n, -1, -1, new String[0]);
            }
            windows.add(window(100 + i, steady.window().latency()));
        }
        assertTrue(LoadTest.stable(windows, 3, 0.1));
        assertTrue(!LoadTest.stable(windows.subList(0, 2), 3, 0.1), "too few windows");
        windows.set(1, window(200, windows.get(0).latency()));
        assertTrue(!LoadTest.stable(windows, 3, 0.1), "one window's throughput is far off");
    }

    /** A one-second window of {@code ok} requests with {@code latency}. */
    private static Recording.WindowStats window(long ok, org.HdrHistogram.Histogram latency) {
        org.HdrHistogram.Histogram none = new org.HdrHistogram.Histogram(3);
        return new Recording.WindowStats(
                1.0, ok, java.util.Map.of(), latency, none, none, java.util.Map.of(), none, none, none, none, 0);
    }
}
