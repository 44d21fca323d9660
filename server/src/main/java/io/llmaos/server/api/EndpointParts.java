package io.llmaos.server.api;

import io.grpc.BindableService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC endpoint's small parts: its executor, Netty's leak detection, legacy reflection, closing quietly. */
final class EndpointParts {
    private static final Logger log = LoggerFactory.getLogger(GrpcEndpoint.class);
    private static final String LEAK_DETECTION_PROPERTY = "io.grpc.netty.shaded.io.netty.leakDetection.level";

    private EndpointParts() {}

    static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception e) {
            log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }

    /**
     * Netty samples buffers for leak tracking by default, recording a stack trace each time: a cost
     * on every call that a server in production does not pay. Kept when the property asks for it.
     */
    static void quietLeakDetection() {
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
            io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.setLevel(
                    io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    @SuppressWarnings("deprecation")
    static BindableService legacyReflection() {
        // v1alpha reflection, still the only one older grpcurl, Postman and Evans speak
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    static ExecutorService boundedExecutor(int threads) {
        AtomicInteger count = new AtomicInteger();
        // threads that never time out: a thread parked without a timer wakes cheapest
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "llmaos-grpc-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        return pool;
    }
}
