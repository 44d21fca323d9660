package io.llmaos.server.scheduler;

import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ticks every copy's scheduler every ten milliseconds while any request waits in a queue (time-outs
 * at any depth, pool scaling), and not at all otherwise: {@link #wake} is called whenever a request
 * is queued, and the ticker stops by itself once nothing waits. An idle server does no work.
 */
final class QueueTicker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueTicker.class);
    private static final long TICK_MILLIS = 10;

    private final ScheduledExecutorService executor;
    private final Collection<VersionScheduler> schedulers;
    /** Whether a tick is scheduled or running. */
    private final AtomicBoolean ticking = new AtomicBoolean();

    /** @param schedulers a live view of every copy's scheduler */
    QueueTicker(ScheduledExecutorService executor, Collection<VersionScheduler> schedulers) {
        this.executor = executor;
        this.schedulers = schedulers;
    }

    /** Makes sure a tick is coming: called whenever a request is queued. */
    void wake() {
        if (!ticking.get() && ticking.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            executor.schedule(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            ticking.set(false);
        }
    }

    private void tick() {
        if (anyQueued(true)) {
            schedule();
            return;
        }
        ticking.set(false);
        // a request queued while this tick looked elsewhere saw it running and relies on it: look again
        if (anyQueued(false) && ticking.compareAndSet(false, true)) {
            schedule();
        }
    }

    /** Whether any copy has requests queued; {@code tick} runs each copy's tick on the way. */
    private boolean anyQueued(boolean tick) {
        boolean queued = false;
        for (VersionScheduler s : schedulers) {
            try {
                queued |= tick ? s.tick() : s.hasQueued();
            } catch (RuntimeException e) {
                log.warn("scheduler tick of {} failed", s.ref(), e);
                queued = true;
            }
        }
        return queued;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
