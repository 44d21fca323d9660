package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.ModelRef;
import io.llmaos.server.model.lifecycle.ServedCopy;
import java.util.Set;

/**
 * The scheduler of one served copy of a model version, whatever it serves: requests enter through
 * its {@link Admission}, wait in its priority queue and run on its instances. Two shapes implement
 * it: {@link BatchingScheduler} (tensor requests, dynamic batching, an instance pool that scales)
 * and {@link ContinuousBatchingScheduler} (token sequences stepped together). The
 * {@link Dispatcher} routes each request to its copy's scheduler.
 */
interface VersionScheduler {
    /** The copy served. */
    ServedCopy version();

    default ModelRef ref() {
        return version().spec().ref();
    }

    /** The rules in force; {@link #apply} changes them live (queued requests stay). */
    ModelPolicy policy();

    void apply(ModelPolicy next);

    /** The door every request of this copy goes through. */
    Admission admission();

    ModelStats stats();

    /** A consistent view of the queue and the instances, for statistics. */
    SchedulerSnapshot snapshot();

    /** Requests of {@code tenant} waiting in the queue. */
    int queuedOf(String tenant);

    /** Tenants with requests waiting or running now (a batching scheduler knows only those waiting). */
    Set<String> liveTenants();

    /**
     * Housekeeping while requests wait (time-outs at any depth, scaling); returns whether requests
     * still wait. Called every few milliseconds only while {@link #hasQueued} is true for some copy.
     */
    boolean tick();

    /** Whether a request waits that needs {@link #tick}. */
    boolean hasQueued();

    /** Stops admitting; queued and running work finishes, then the instances go back to the copy. */
    void close();
}
