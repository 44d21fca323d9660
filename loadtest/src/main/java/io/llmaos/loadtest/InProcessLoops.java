package io.llmaos.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/** The two loops the in-process rows are measured with: latency on this thread, and a rate on N threads. */
final class InProcessLoops {
    /** One call of the thing measured; returns how many rows it ran. Closed when its thread ends. */
    @FunctionalInterface
    interface Call extends AutoCloseable {
        int run() throws Exception;

        @Override
        default void close() {}
    }

    private InProcessLoops() {}

    /** Microseconds per call on this thread, after {@code warm} unrecorded calls. */
    static Histogram latency(int warm, int calls, Call call) throws Exception {
        Histogram h = new Histogram(3);
        for (int i = 0; i < warm + calls; i++) {
            long t0 = System.nanoTime();
            call.run();
            if (i >= warm) {
                h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            }
        }
        return h;
    }

    /**
     * Rows per second on {@code threads} threads, each running its own call from {@code perThread}
     * (made on that thread, so per-thread engine state is its own) for {@code duration} after half a
     * second of warm-up.
     */
    static double rowsPerSecond(int threads, Duration duration, Supplier<Call> perThread) throws Exception {
        LongAdder rows = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(
                    () -> {
                        try (Call call = perThread.get()) {
                            while (running.get()) {
                                rows.add(call.run());
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "in-process-" + t);
            w.start();
            workers.add(w);
        }
        Thread.sleep(500);
        rows.reset();
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        double rate = rows.sum() / ((System.nanoTime() - t0) / 1e9);
        running.set(false);
        for (Thread w : workers) {
            w.join();
        }
        return rate;
    }
}
