package io.llmaos.server.scheduler;

import io.llmaos.server.core.InferenceResult;
import io.llmaos.server.core.Tensor;
import io.llmaos.server.model.engine.ModelInstance;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of a model and the thread that drives it: takes the next batch from its model's
 * scheduler, joins the requests' inputs, runs the engine once, and answers each request with its
 * rows of the outputs and its queue and compute time.
 */
final class InstanceWorker implements Runnable {
    private final ModelScheduler scheduler;
    private final ModelInstance instance;

    InstanceWorker(ModelScheduler scheduler, ModelInstance instance) {
        this.scheduler = scheduler;
        this.instance = instance;
    }

    @Override
    public void run() {
        boolean retired = false;
        boolean counted = false;
        try {
            while (true) {
                List<PendingRequest> batch = scheduler.take();
                if (batch == null) {
                    counted = true;
                    retired = scheduler.shouldRetire();
                    return;
                }
                try {
                    execute(batch);
                } finally {
                    scheduler.finished(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.workerExited(instance, retired, counted);
        }
    }

    private void execute(List<PendingRequest> batch) {
        List<PendingRequest> live = new ArrayList<>(batch.size());
        for (PendingRequest p : batch) {
            if (p.isDone()) {
                scheduler.dropped(p);
            } else {
                live.add(p);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        long start = scheduler.clock().nanoTime();
        try {
            List<List<Tensor>> inputs = new ArrayList<>(live.size());
            long[] rows = new long[live.size()];
            long total = 0;
            for (int i = 0; i < live.size(); i++) {
                inputs.add(live.get(i).request.inputs());
                rows[i] = live.get(i).rows;
                total += rows[i];
            }
            List<Tensor> outputs = instance.execute(BatchAssembler.join(inputs));
            long end = scheduler.clock().nanoTime();
            List<List<Tensor>> parts = live.size() == 1 ? List.of(outputs) : BatchAssembler.split(outputs, rows);
            int size = (int) Math.min(Integer.MAX_VALUE, scheduler.batched() ? total : 1);
            scheduler.stats().batch(size, end - start);
            for (int i = 0; i < live.size(); i++) {
                PendingRequest p = live.get(i);
                if (p.succeed(new InferenceResult(scheduler.ref(), parts.get(i), start - p.enqueued, end - start, size))) {
                    scheduler.stats().completed(p.level, p.tenant(), start - p.enqueued);
                }
            }
        } catch (RuntimeException | Error e) {
            live.forEach(p -> p.fail(e));
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
    }
}
