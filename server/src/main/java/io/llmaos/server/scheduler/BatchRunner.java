package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.request.ModelRef;
import io.llmaos.server.core.request.RequestTrace;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.ModelInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one batch on one instance: skips requests whose callers left or whose deadline passed, joins the inputs, calls the
 * engine once, and answers each request with its rows of the outputs and its queue and compute time.
 * Whatever the engine throws answers the whole batch.
 */
final class BatchRunner {
    private final ModelRef ref;
    private final boolean batched;
    private final Clock clock;
    private final ModelStats stats;
    private final Consumer<PendingRequest> dropped;

    /**
     * @param batched whether the model's first dimension is the batch
     * @param dropped answers a request that leaves unserved (its caller left, or its time ran out)
     */
    BatchRunner(ModelRef ref, boolean batched, Clock clock, ModelStats stats, Consumer<PendingRequest> dropped) {
        this.ref = ref;
        this.batched = batched;
        this.clock = clock;
        this.stats = stats;
        this.dropped = dropped;
    }

    void run(List<PendingRequest> batch, ModelInstance instance) {
        List<PendingRequest> live = new ArrayList<>(batch.size());
        long now = clock.nanoTime();
        for (PendingRequest p : batch) {
            // a caller gone or out of time is answered before the engine (or a tokenizer) spends anything on it
            if (p.isDone() || now >= p.deadline) {
                dropped.accept(p);
            } else {
                live.add(p);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        long start = clock.nanoTime();
        try {
            List<List<Tensor>> inputs = new ArrayList<>(live.size());
            long[] rows = new long[live.size()];
            long total = 0;
            for (int i = 0; i < live.size(); i++) {
                inputs.add(live.get(i).request.inputs());
                rows[i] = live.get(i).rows;
                total += rows[i];
            }
            List<Tensor> joined = BatchAssembler.join(inputs);
            long joinedAt = clock.nanoTime();
            List<Tensor> outputs = instance.execute(joined);
            long end = clock.nanoTime();
            requireRows(outputs, total);
            List<List<Tensor>> parts = live.size() == 1 ? List.of(outputs) : BatchAssembler.split(outputs, rows);
            long split = clock.nanoTime();
            int size = (int) Math.min(Integer.MAX_VALUE, batched ? total : 1);
            stats.batch(size, joinedAt - start, end - joinedAt, split - end);
            trace(live, start, end, size);
            long millis = clock.now().toEpochMilli();
            for (int i = 0; i < live.size(); i++) {
                PendingRequest p = live.get(i);
                if (p.succeed(new InferenceResult(ref, parts.get(i), start - p.enqueued, end - start, size))) {
                    stats.completed(p.level, p.tenant(), start - p.enqueued);
                    stats.execution.succeeded(batched ? p.rows : 1, split - p.request.receivedNanos(), millis);
                    stats.observer.served(p.level, start - p.enqueued, end - start, split - p.request.receivedNanos());
                }
            }
        } catch (RuntimeException | Error e) {
            long failed = clock.nanoTime();
            trace(live, start, failed, live.size());
            live.forEach(p -> {
                if (p.fail(e)) {
                    stats.execution.failed(failed - p.request.receivedNanos());
                }
            });
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
    }

    /**
     * Tells each traced request of the batch its wait in the queue and the execution it shared, with
     * the traces of the others beside it. Nothing is gathered when none is traced.
     */
    private static void trace(List<PendingRequest> live, long start, long end, int size) {
        List<RequestTrace> traced = null;
        for (PendingRequest p : live) {
            if (p.request.trace().recording()) {
                if (traced == null) {
                    traced = new ArrayList<>(2);
                }
                traced.add(p.request.trace());
            }
        }
        if (traced == null) {
            return;
        }
        for (PendingRequest p : live) {
            RequestTrace t = p.request.trace();
            if (t.recording()) {
                t.queued(p.enqueued, start, p.level);
                t.executed(start, end, size, traced);
            }
        }
    }

    /** An engine must answer a batched model with one output row per input row; anything else fails the batch. */
    private void requireRows(List<Tensor> outputs, long rows) {
        if (!batched) {
            return;
        }
        for (Tensor t : outputs) {
            if (t.shape().length == 0 || t.shape()[0] != rows) {
                throw new io.llmaos.server.core.error.LlmaosException(
                        io.llmaos.server.core.error.ErrorCode.ENGINE_FAILURE,
                        ref + " answered " + rows + " input rows with output '" + t.name() + "' of shape "
                                + java.util.Arrays.toString(t.shape()));
            }
        }
    }
}
