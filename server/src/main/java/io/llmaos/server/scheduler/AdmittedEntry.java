package io.llmaos.server.scheduler;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What both kinds of queued work share: the tenant, level and deadline admission gave it, when it
 * (last) entered the queue, and its end, which happens exactly once and gives back what admission
 * took (the copy's admission and the tenant's quota).
 */
abstract class AdmittedEntry implements QueueEntry {
    final int level;
    final long deadline;
    /** When it entered the queue; a preempted sequence re-enters. */
    long enqueued;

    private final String tenant;
    private final Runnable release;
    private final AtomicBoolean ended = new AtomicBoolean();

    AdmittedEntry(String tenant, Admission.Ticket ticket) {
        this.tenant = tenant;
        this.level = ticket.level();
        this.enqueued = ticket.admittedNanos();
        this.deadline = ticket.deadlineNanos();
        this.release = ticket.release();
    }

    @Override
    public int level() {
        return level;
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public long enqueuedNanos() {
        return enqueued;
    }

    @Override
    public long deadlineNanos() {
        return deadline;
    }

    /** Whether it has ended. */
    final boolean ended() {
        return ended.get();
    }

    /** Ends it: true (and what admission took is given back) only the first time. */
    final boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        release.run();
        return true;
    }

    /** Gives the admission back without answering the caller (who hears of it otherwise). */
    final void abandon() {
        end();
    }
}
