package io.llmaos.server.scheduler;

/**
 * A consistent view of one copy's scheduler: per level (index 1..N) the requests queued and
 * running; its instances now, busy, and the pool's bounds.
 */
record SchedulerSnapshot(int[] depth, int[] inFlight, int workers, int busy, int minWorkers, int maxWorkers) {
    /** Requests queued or running, all levels together. */
    int demand() {
        int sum = 0;
        for (int l = 1; l < depth.length; l++) {
            sum += depth[l] + inFlight[l];
        }
        return sum;
    }
}
