package io.llmaos.server.scheduler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What one model's scheduler has done: latencies, batch sizes, completions and rejections. Thread-safe. */
final class ModelStats {
    /** Why a request was turned away. */
    enum Rejection {
        QUEUE_FULL,
        QUOTA,
        TIMED_OUT,
        CANCELLED,
        NOT_READY,
        INVALID
    }

    private static final int MAX_LEVELS = 64;
    /** Distinct tenants counted by name; the rest are counted together under {@value #OTHER_TENANTS}. */
    static final int MAX_TENANTS = 1024;

    static final String OTHER_TENANTS = "(other tenants)";

    private final ConcurrentHistogram queueUs = new ConcurrentHistogram(3);
    private final ConcurrentHistogram computeUs = new ConcurrentHistogram(3);
    private final AtomicLongArray batchSizes = new AtomicLongArray(4097);
    private final LongAdder[] completed = adders(MAX_LEVELS + 1);
    private final ConcurrentHashMap<Integer, LongAdder[]> rejectionsByLevel = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> completedByTenant = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder[]> rejectionsByTenant = new ConcurrentHashMap<>();
    final LongAdder scaleUps = new LongAdder();
    final LongAdder scaleDowns = new LongAdder();
    private final LongAdder batches = new LongAdder();
    /** Triton's statistics of this copy. */
    final ExecutionCounters execution = new ExecutionCounters();
    /** Hears of each request, batch and token as it happens (set once the copy's scheduler is made). */
    volatile SchedulerObserver.CopyObserver observer = SchedulerObserver.CopyObserver.NONE;
    /** Sequences preempted to make room for one of higher priority. */
    final LongAdder preemptions = new LongAdder();
    /** The cache tokens the active sequences hold now (0 for a tensor model). */
    volatile java.util.function.LongSupplier cachedTokens = () -> 0;
    /** Requests whose priority was beyond the model's levels and ran at its default level. */
    final LongAdder clampedPriorities = new LongAdder();

    private final LongAdder computeNanosSum = new LongAdder();

    /**
     * One engine execution of {@code size} rows: nanoseconds joining inputs, in the engine and splitting
     * outputs (a decode step has only engine time).
     */
    void batch(int size, long inputNanos, long inferNanos, long outputNanos) {
        long computeNanos = inputNanos + inferNanos;
        observer.batch(size);
        execution.execution(size, inputNanos, inferNanos, outputNanos);
        batchSizes.incrementAndGet(Math.min(size, batchSizes.length() - 1));
        computeUs.recordValue(Math.max(0, computeNanos / 1000));
        batches.increment();
        computeNanosSum.add(computeNanos);
    }

    /** The mean engine time of a batch so far, in nanoseconds (cheap: no histogram copy). */
    long meanComputeNanos() {
        long n = batches.sum();
        return n == 0 ? 0 : computeNanosSum.sum() / n;
    }

    void completed(int level, String tenant, long queueNanos) {
        queued(queueNanos);
        completed(level, tenant);
    }

    /** A request or sequence left the queue to run after waiting {@code queueNanos}. */
    void queued(long queueNanos) {
        queueUs.recordValue(Math.max(0, queueNanos / 1000));
        execution.queued(queueNanos);
    }

    /** A request or sequence was served to its end. */
    void completed(int level, String tenant) {
        completed[Math.min(level, MAX_LEVELS)].increment();
        completedByTenant
                .computeIfAbsent(bounded(completedByTenant, tenant), t -> new LongAdder())
                .increment();
    }

    /** {@code tenant}, or the catch-all once {@code counts} holds {@value #MAX_TENANTS} other names. */
    private static String bounded(Map<String, ?> counts, String tenant) {
        return counts.size() < MAX_TENANTS || counts.containsKey(tenant) ? tenant : OTHER_TENANTS;
    }

    void rejected(int level, String tenant, Rejection why) {
        rejected(level, tenant, why, 0);
    }

    /** A request or sequence was turned away {@code elapsedNanos} after it arrived. */
    void rejected(int level, String tenant, Rejection why, long elapsedNanos) {
        execution.failed(elapsedNanos);
        rejectionsByLevel.computeIfAbsent(level, l -> adders(Rejection.values().length))[why.ordinal()].increment();
        rejectionsByTenant
                .computeIfAbsent(bounded(rejectionsByTenant, tenant), t -> adders(Rejection.values().length))[
                why.ordinal()]
                .increment();
    }

    long completed(int level) {
        return completed[Math.min(level, MAX_LEVELS)].sum();
    }

    long completedByTenant(String tenant) {
        LongAdder a = completedByTenant.get(tenant);
        return a == null ? 0 : a.sum();
    }

    Iterable<String> tenants() {
        java.util.Set<String> names = new java.util.TreeSet<>(completedByTenant.keySet());
        names.addAll(rejectionsByTenant.keySet());
        return names;
    }

    SchedulerReport.Latency queueTime() {
        return summary(queueUs);
    }

    SchedulerReport.Latency computeTime() {
        return summary(computeUs);
    }

    java.util.List<SchedulerReport.BatchCount> batchSizes() {
        java.util.List<SchedulerReport.BatchCount> counts = new java.util.ArrayList<>();
        for (int i = 1; i < batchSizes.length(); i++) {
            long n = batchSizes.get(i);
            if (n > 0) {
                counts.add(new SchedulerReport.BatchCount(i, n));
            }
        }
        return counts;
    }

    SchedulerReport.Rejections rejections() {
        long[] sums = new long[Rejection.values().length];
        rejectionsByLevel.values().forEach(a -> {
            for (int i = 0; i < sums.length; i++) {
                sums[i] += a[i].sum();
            }
        });
        return counts(sums);
    }

    SchedulerReport.Rejections rejections(int level) {
        return counts(rejectionsByLevel.get(level));
    }

    SchedulerReport.Rejections rejectionsOf(String tenant) {
        return counts(rejectionsByTenant.get(tenant));
    }

    private static SchedulerReport.Rejections counts(LongAdder[] a) {
        long[] sums = new long[Rejection.values().length];
        if (a != null) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] = a[i].sum();
            }
        }
        return counts(sums);
    }

    private static SchedulerReport.Rejections counts(long[] s) {
        return new SchedulerReport.Rejections(
                s[Rejection.QUEUE_FULL.ordinal()],
                s[Rejection.QUOTA.ordinal()],
                s[Rejection.TIMED_OUT.ordinal()],
                s[Rejection.CANCELLED.ordinal()],
                s[Rejection.NOT_READY.ordinal()],
                s[Rejection.INVALID.ordinal()]);
    }

    private static SchedulerReport.Latency summary(ConcurrentHistogram h) {
        Histogram copy = h.copy();
        if (copy.getTotalCount() == 0) {
            return SchedulerReport.Latency.NONE;
        }
        return new SchedulerReport.Latency(
                copy.getTotalCount(),
                copy.getMean(),
                copy.getValueAtPercentile(50),
                copy.getValueAtPercentile(90),
                copy.getValueAtPercentile(99),
                copy.getMaxValue());
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
