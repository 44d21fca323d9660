package io.llmaos.loadtest;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Drives asynchronous gRPC calls: closed loop (N callers) or open loop (a fixed rate), with latencies. */
final class LoadGenerator {
    /** Makes call number {@code i} of an open loop. */
    @FunctionalInterface
    interface LongCall extends LongFunction<ListenableFuture<?>> {}

    private LoadGenerator() {}

    /** What a run measured. */
    record Run(long ok, Map<String, Long> failed, double seconds, Histogram latencyUs) {
        double qps() {
            return ok / seconds;
        }

        double p50Us() {
            return latencyUs.getTotalCount() == 0 ? 0 : latencyUs.getValueAtPercentile(50);
        }

        double p99Us() {
            return latencyUs.getTotalCount() == 0 ? 0 : latencyUs.getValueAtPercentile(99);
        }
    }

    /**
     * {@code concurrency} callers, each sending its next call when the previous is answered; only
     * calls started after {@code warmup} count, for {@code duration}.
     */
    static Run closedLoop(int concurrency, Duration warmup, Duration duration, Supplier<ListenableFuture<?>> call)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        LongAdder ok = new LongAdder();
        Map<String, Long> failed = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicInteger outstanding = new AtomicInteger(concurrency);
        CountDownLatch drained = new CountDownLatch(1);
        for (int i = 0; i < concurrency; i++) {
            new Chain(call, recorder, ok, failed, running, measuring, outstanding, drained).next();
        }
        Thread.sleep(warmup.toMillis());
        recorder.reset();
        ok.reset();
        failed.clear();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        Histogram h = recorder.getIntervalHistogram();
        long n = ok.sum();
        Map<String, Long> f = Map.copyOf(failed);
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        drained.await(60, TimeUnit.SECONDS);
        return new Run(n, f, seconds, h);
    }

    /**
     * Calls started at {@code ratePerSecond} whatever the answers, for {@code duration}; call number
     * {@code i} is made by {@code call}, and its latency recorded when {@code tracked} takes it.
     */
    static Run openLoop(double ratePerSecond, Duration duration, LongCall call, LongPredicate tracked)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        LongAdder ok = new LongAdder();
        Map<String, Long> failed = new ConcurrentHashMap<>();
        AtomicInteger outstanding = new AtomicInteger();
        long period = (long) (1e9 / ratePerSecond);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (long i = 0; ; i++) {
            long at = start + i * period;
            if (at >= end) {
                break;
            }
            long wait = at - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime();
            boolean track = tracked.test(i);
            outstanding.incrementAndGet();
            ListenableFuture<?> f = call.apply(i);
            f.addListener(
                    () -> {
                        outcome(f, sent, track ? recorder : null, ok, failed);
                        outstanding.decrementAndGet();
                    },
                    Runnable::run);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return new Run(ok.sum(), Map.copyOf(failed), seconds, recorder.getIntervalHistogram());
    }

    private static void outcome(
            ListenableFuture<?> f, long sent, Recorder recorder, LongAdder ok, Map<String, Long> failed) {
        try {
            f.get();
            ok.increment();
            if (recorder != null) {
                recorder.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
            }
        } catch (ExecutionException e) {
            failed.merge(Status.fromThrowable(e.getCause()).getCode().name(), 1L, Long::sum);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One closed-loop caller. */
    private record Chain(
            Supplier<ListenableFuture<?>> call,
            Recorder recorder,
            LongAdder ok,
            Map<String, Long> failed,
            AtomicBoolean running,
            AtomicBoolean measuring,
            AtomicInteger outstanding,
            CountDownLatch drained) {
        void next() {
            if (!running.get()) {
                if (outstanding.decrementAndGet() == 0) {
                    drained.countDown();
                }
                return;
            }
            long sent = System.nanoTime();
            ListenableFuture<?> f = call.get();
            f.addListener(
                    () -> {
                        outcome(f, sent, measuring.get() ? recorder : null, ok, failed);
                        next();
                    },
                    Runnable::run);
        }
    }
}
