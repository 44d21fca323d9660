package io.llmaos.server.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cumulative counts and durations of one model copy's requests and executions, as Triton's statistics
 * extension reports them: successes, failures, queue time, and the three parts of an execution
 * (joining inputs, the engine, splitting outputs), in total and by batch size. Thread-safe, lock-free.
 */
final class ExecutionCounters {
    /** Batch sizes counted one by one; larger ones are counted under this size. */
    static final int MAX_BATCH = 4096;

    private final Duration success = new Duration();
    private final Duration fail = new Duration();
    private final Duration queue = new Duration();
    private final Duration input = new Duration();
    private final Duration infer = new Duration();
    private final Duration output = new Duration();
    private final LongAdder inferences = new LongAdder();
    private final LongAdder executions = new LongAdder();
    private final AtomicLong lastInferenceMillis = new AtomicLong();
    private final AtomicLongArray countBySize = new AtomicLongArray(MAX_BATCH + 1);
    private final AtomicLongArray inputBySize = new AtomicLongArray(MAX_BATCH + 1);
    private final AtomicLongArray inferBySize = new AtomicLongArray(MAX_BATCH + 1);
    private final AtomicLongArray outputBySize = new AtomicLongArray(MAX_BATCH + 1);

    /** One execution of {@code size} rows: nanoseconds joining inputs, in the engine, splitting outputs. */
    void execution(int size, long inputNanos, long inferNanos, long outputNanos) {
        int i = Math.max(1, Math.min(size, MAX_BATCH));
        executions.increment();
        input.add(inputNanos);
        infer.add(inferNanos);
        output.add(outputNanos);
        countBySize.incrementAndGet(i);
        inputBySize.addAndGet(i, Math.max(0, inputNanos));
        inferBySize.addAndGet(i, Math.max(0, inferNanos));
        outputBySize.addAndGet(i, Math.max(0, outputNanos));
    }

    /** A request answered with a result: its inferences (rows), its time in the server, and when. */
    void succeeded(long rows, long totalNanos, long epochMillis) {
        inferences.add(Math.max(1, rows));
        success.add(totalNanos);
        lastInferenceMillis.accumulateAndGet(epochMillis, Math::max);
    }

    /** A request answered with an error after {@code totalNanos} in the server. */
    void failed(long totalNanos) {
        fail.add(totalNanos);
    }

    /** A request left the queue after {@code nanos}. */
    void queued(long nanos) {
        queue.add(nanos);
    }

    ExecutionStats snapshot() {
        List<ExecutionStats.BatchStats> sizes = new ArrayList<>();
        for (int i = 1; i <= MAX_BATCH; i++) {
            long n = countBySize.get(i);
            if (n > 0) {
                sizes.add(new ExecutionStats.BatchStats(
                        i,
                        new ExecutionStats.Total(n, inputBySize.get(i)),
                        new ExecutionStats.Total(n, inferBySize.get(i)),
                        new ExecutionStats.Total(n, outputBySize.get(i))));
            }
        }
        return new ExecutionStats(
                lastInferenceMillis.get(),
                inferences.sum(),
                executions.sum(),
                success.total(),
                fail.total(),
                queue.total(),
                input.total(),
                infer.total(),
                output.total(),
                sizes);
    }

    /** A count and a sum of nanoseconds. */
    private static final class Duration {
        private final LongAdder count = new LongAdder();
        private final LongAdder nanos = new LongAdder();

        void add(long n) {
            count.increment();
            nanos.add(Math.max(0, n));
        }

        ExecutionStats.Total total() {
            return new ExecutionStats.Total(count.sum(), nanos.sum());
        }
    }
}
