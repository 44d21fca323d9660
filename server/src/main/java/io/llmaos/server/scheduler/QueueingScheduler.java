package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.model.lifecycle.ServedCopy;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What both scheduler shapes share: the copy served, its admission, statistics and policy, and the
 * priority queue with the lock and condition that guard it. Subclasses decide how queued entries
 * reach the instances.
 *
 * @param <E> what waits in the queue
 */
abstract class QueueingScheduler<E extends QueueEntry> implements VersionScheduler {
    final ServedCopy version;
    final Clock clock;
    final ModelStats stats = new ModelStats();
    final Admission admission;
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when work is queued, an instance comes back, the policy changes or the copy closes. */
    final Condition work = lock.newCondition();

    final PriorityRequestQueue<E> queue;
    volatile ModelPolicy policy;
    /** Guarded by {@link #lock}. */
    boolean closing;

    QueueingScheduler(ServedCopy version, ModelPolicy policy, Clock clock) {
        this.version = version;
        this.clock = clock;
        this.policy = policy;
        this.admission = new Admission(version, clock, stats, () -> this.policy);
        this.queue = new PriorityRequestQueue<>(
                policy.levels(), policy.aging(), t -> this.policy.tenant(t).weight(), clock);
    }

    @Override
    public ServedCopy version() {
        return version;
    }

    @Override
    public ModelPolicy policy() {
        return policy;
    }

    @Override
    public ModelStats stats() {
        return stats;
    }

    @Override
    public Admission admission() {
        return admission;
    }

    @Override
    public void apply(ModelPolicy next) {
        lock.lock();
        try {
            policy = next;
            queue.configure(next.levels(), next.aging(), t -> policy.tenant(t).weight());
            applied(next);
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock when a new policy took effect. */
    void applied(ModelPolicy next) {}

    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean hasQueued() {
        lock.lock();
        try {
            return queue.size() > 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int queuedOf(String tenant) {
        lock.lock();
        try {
            return queue.sizeOf(tenant);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<String> liveTenants() {
        lock.lock();
        try {
            return new TreeSet<>(queue.tenants());
        } finally {
            lock.unlock();
        }
    }

    /** Queued entries per level (index 1..N); call under the lock. */
    int[] depthByLevel() {
        int[] depth = new int[queue.levelCount() + 1];
        for (int l = 1; l < depth.length; l++) {
            depth[l] = queue.size(l);
        }
        return depth;
    }

    /**
     * Why {@code entry} leaves the queue unserved at {@code now}: DEADLINE_EXCEEDED once its time ran
     * out (the message says how long it waited for {@code what}), else CANCELLED.
     */
    LlmaosException unserved(QueueEntry entry, long now, String what) {
        return now >= entry.deadlineNanos()
                ? LlmaosException.expected(
                        ErrorCode.DEADLINE_EXCEEDED,
                        "the request waited " + (now - entry.enqueuedNanos()) / 1_000_000 + " ms " + what + " " + ref()
                                + " and timed out")
                : LlmaosException.expected(ErrorCode.CANCELLED, "the request was cancelled while it waited");
    }

    /** The rejection {@link #unserved} stands for. */
    static ModelStats.Rejection rejection(LlmaosException unserved) {
        return unserved.code() == ErrorCode.DEADLINE_EXCEEDED
                ? ModelStats.Rejection.TIMED_OUT
                : ModelStats.Rejection.CANCELLED;
    }
}
