package io.llmaos.server.scheduler;

import java.util.List;

/** What an {@link InstanceWorker} sees of its scheduler: where its batches come from and where it reports. */
interface BatchSource {
    /**
     * The next batch for the worker holding {@code lease}, waiting as long as needed; null when the
     * worker should stop (the copy is closing, or the pool sheds it: then {@code lease.retiring}).
     */
    List<PendingRequest> take(InstanceLease lease) throws InterruptedException;

    /** The worker ran {@code batch}. */
    void finished(List<PendingRequest> batch);

    /**
     * The worker's thread ends: its instance is removed (retired) or given back (closing).
     * {@code counted} is false when it ended abnormally, before {@link #take} counted it out.
     */
    void exited(InstanceLease lease, boolean counted);
}
