package io.llmaos.server.scheduler;

import java.util.List;

/**
 * One instance of a model and the thread that drives it: takes the next batch from its model's
 * scheduler and runs it, until the scheduler tells it to stop (closing, or scaling down).
 */
final class InstanceWorker implements Runnable {
    private final ModelScheduler scheduler;
    private final Slot slot;

    InstanceWorker(ModelScheduler scheduler, Slot slot) {
        this.scheduler = scheduler;
        this.slot = slot;
    }

    @Override
    public void run() {
        boolean retired = false;
        boolean counted = false;
        try {
            while (true) {
                List<PendingRequest> batch = scheduler.take(slot);
                if (batch == null) {
                    counted = true;
                    retired = scheduler.shouldRetire();
                    return;
                }
                try {
                    scheduler.runner().run(batch, slot.instance);
                } finally {
                    scheduler.finished(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.workerExited(slot, retired, counted);
        }
    }
}
