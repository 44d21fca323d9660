package io.llmaos.server.scheduler;

import java.util.List;

/**
 * One instance of a model and the thread that drives it: takes the next batch from its source and
 * runs it, until the source tells it to stop (closing, or scaling down).
 */
final class InstanceWorker implements Runnable {
    private final BatchSource source;
    private final BatchRunner runner;
    private final InstanceLease lease;

    InstanceWorker(BatchSource source, BatchRunner runner, InstanceLease lease) {
        this.source = source;
        this.runner = runner;
        this.lease = lease;
    }

    @Override
    public void run() {
        boolean counted = false;
        try {
            while (true) {
                List<PendingRequest> batch = source.take(lease);
                if (batch == null) {
                    counted = true;
                    return;
                }
                try {
                    runner.run(batch, lease.instance);
                } finally {
                    source.finished(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            source.exited(lease, counted);
        }
    }
}
