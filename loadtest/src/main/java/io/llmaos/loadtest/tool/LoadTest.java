package io.llmaos.loadtest.tool;

import io.grpc.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link Workload} against a server: each step warms up, then measures windows until they
 * agree (or the most windows were measured), and the stable windows make the step's result. A closed
 * loop keeps {@code concurrency} requests outstanding; an open loop sends at its rate from one pacing
 * thread whatever the answers, each request's latency counted from when it was meant to be sent, so a
 * server that stalls shows the stall (no coordinated omission).
 */
public final class LoadTest {
    /** Hears of the test as it runs (the console table). */
    public interface Progress {
        Progress NONE = new Progress() {};

        /** A step begins. */
        default void step(String unit, double level) {}

        /** A window of the step was measured: its throughput and p99, and whether the step is now stable. */
        default void window(int n, double throughput, long p99Us, long errors, boolean stable) {}

        /** The step ended with {@code result}. */
        default void stepDone(Result.Step result) {}
    }

    private LoadTest() {}

    /** Runs {@code w} over {@code channel}. */
    public static Result run(Channel channel, Workload w, Progress progress) throws InterruptedException {
        Senders.Sender sender = Senders.of(channel, w);
        List<Result.Step> steps = new ArrayList<>();
        for (int i = 0; i < w.load().steps(); i++) {
            double level = w.load().level(i);
            progress.step(w.load().unit(), level);
            Recording rec = new Recording();
            Driver driver = w.load() instanceof Workload.Open open
                    ? new OpenLoop(sender, rec, level, open.arrival(), open.maxInFlight())
                    : new ClosedLoop(sender, rec, (int) level);
            Thread.sleep(w.warmup().toMillis());
            rec.window(); // the warm-up is not counted
            List<Recording.WindowStats> windows = new ArrayList<>();
            boolean stable = false;
            while (!stable && windows.size() < w.maxWindows()) {
                Thread.sleep(w.window().toMillis());
                Recording.WindowStats stats = rec.window();
                windows.add(stats);
                stable = stable(windows, w.stableWindows(), w.stability());
                progress.window(
                        windows.size(),
                        stats.throughput(),
                        stats.p99(),
                        stats.errors().values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                        stable);
            }
            driver.stop();
            List<Recording.WindowStats> reported =
                    windows.subList(Math.max(0, windows.size() - w.stableWindows()), windows.size());
            double streams = w.load() instanceof Workload.Closed ? level : driver.meanInFlight();
            Result.Step step = Result.step(
                    level,
                    stable,
                    windows.size(),
                    Recording.WindowStats.merge(reported),
                    w.api() == Workload.Api.GENERATE,
                    streams);
            steps.add(step);
            progress.stepDone(step);
        }
        return new Result(
                w.model(),
                w.api().name().toLowerCase(java.util.Locale.ROOT),
                w.load().unit(),
                steps);
    }

    /**
     * Whether the last {@code n} windows agree: each one's throughput and p99 within {@code stability}
     * of their means (perf_analyzer's rule).
     */
    static boolean stable(List<Recording.WindowStats> windows, int n, double stability) {
        if (windows.size() < n) {
            return false;
        }
        List<Recording.WindowStats> last = windows.subList(windows.size() - n, windows.size());
        double meanThroughput = last.stream()
                .mapToDouble(Recording.WindowStats::throughput)
                .average()
                .orElse(0);
        double meanP99 =
                last.stream().mapToDouble(Recording.WindowStats::p99).average().orElse(0);
        if (meanThroughput <= 0) {
            return false;
        }
        for (Recording.WindowStats s : last) {
            if (Math.abs(s.throughput() - meanThroughput) > stability * meanThroughput
                    || Math.abs(s.p99() - meanP99) > stability * meanP99) {
                return false;
            }
        }
        return true;
    }

    /** A running load. */
    private interface Driver {
        /** Stops sending and waits (a minute at most) for what is outstanding. */
        void stop() throws InterruptedException;

        /** The mean number of requests outstanding (the streams of an open loop). */
        double meanInFlight();
    }

    /** {@code concurrency} chains, each sending its next request when its last one ended. */
    private static final class ClosedLoop implements Driver {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger outstanding = new AtomicInteger();
        private final Object drained = new Object();
        private final Senders.Sender sender;
        private final Recording rec;
        private final int concurrency;

        ClosedLoop(Senders.Sender sender, Recording rec, int concurrency) {
            this.sender = sender;
            this.rec = rec;
            this.concurrency = concurrency;
            outstanding.set(concurrency);
            for (int i = 0; i < concurrency; i++) {
                next();
            }
        }

        private void next() {
            if (!running.get()) {
                if (outstanding.decrementAndGet() == 0) {
                    synchronized (drained) {
                        drained.notifyAll();
                    }
                }
                return;
            }
            sender.send(System.nanoTime(), rec, this::next);
        }

        @Override
        public void stop() throws InterruptedException {
            running.set(false);
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            synchronized (drained) {
                while (outstanding.get() > 0 && System.nanoTime() < end) {
                    drained.wait(100);
                }
            }
        }

        @Override
        public double meanInFlight() {
            return concurrency;
        }
    }

    /** Sends at a rate from one pacing thread; at most {@code maxInFlight} outstanding. */
    private static final class OpenLoop implements Driver {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Semaphore slots;
        private final int maxInFlight;
        private final Thread pacer;
        private final java.util.concurrent.atomic.LongAdder inFlightSamples =
                new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder samples = new java.util.concurrent.atomic.LongAdder();

        OpenLoop(Senders.Sender sender, Recording rec, double rate, Workload.Arrival arrival, int maxInFlight) {
            this.maxInFlight = maxInFlight;
            this.slots = new Semaphore(maxInFlight);
            this.pacer = new Thread(
                    () -> {
                        double gapNanos = 1e9 / rate;
                        long intended = System.nanoTime();
                        while (running.get()) {
                            long wait = intended - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                                continue;
                            }
                            try {
                                slots.acquire(); // past the bound the request waits; its latency still runs
                            } catch (InterruptedException e) {
                                return;
                            }
                            inFlightSamples.add(maxInFlight - slots.availablePermits());
                            samples.increment();
                            sender.send(intended, rec, slots::release);
                            double gap = arrival == Workload.Arrival.POISSON
                                    ? -Math.log(1 - ThreadLocalRandom.current().nextDouble()) * gapNanos
                                    : gapNanos;
                            intended += (long) gap;
                        }
                    },
                    "loadtest-pacer");
            pacer.setDaemon(true);
            pacer.start();
        }

        @Override
        public void stop() throws InterruptedException {
            running.set(false);
            pacer.interrupt();
            pacer.join(TimeUnit.SECONDS.toMillis(10));
            slots.tryAcquire(maxInFlight, 1, TimeUnit.MINUTES);
        }

        @Override
        public double meanInFlight() {
            long n = samples.sum();
            return n == 0 ? 1 : (double) inFlightSamples.sum() / n;
        }
    }
}
