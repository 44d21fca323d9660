package io.llmaos.server.scheduler;

import io.llmaos.server.core.Clock;
import io.llmaos.server.core.Durations;
import io.llmaos.server.core.ErrorCode;
import io.llmaos.server.core.LlmaosException;
import io.llmaos.server.core.ModelRef;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.lifecycle.LoadedVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler of one loaded model copy: its priority queue, its instance workers (one thread per
 * instance, between the policy's min and max), dynamic batching, timeouts, cancellation and
 * scaling. Requests leave only by being answered: served, timed out, cancelled or rejected.
 */
final class ModelScheduler {
    private final LoadedVersion version;
    private final Clock clock;
    private final ThreadFactory threads;
    private final Executor grower;
    private final Runnable onQueued;
    private final ModelStats stats = new ModelStats();
    private final TenantQuotas quotas;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final PriorityRequestQueue<PendingRequest> queue;
    private final ThreadLocal<Boolean> retiring = ThreadLocal.withInitial(() -> false);
    private final java.util.Deque<Slot> idleSlots = new java.util.ArrayDeque<>();
    private final BatchRunner runner = new BatchRunner(this);
    private volatile ModelPolicy policy;
    private int workers;
    private int busy;
    private int[] running;
    private long queuedRows;
    private boolean closing;
    private boolean growing;
    private long pressureSince = -1;

    ModelScheduler(
            LoadedVersion version,
            ModelPolicy policy,
            Clock clock,
            ThreadFactory threads,
            Executor grower,
            Runnable onQueued) {
        this.version = version;
        this.onQueued = onQueued;
        this.policy = policy;
        this.clock = clock;
        this.threads = threads;
        this.grower = grower;
        this.quotas = new TenantQuotas(clock);
        this.running = new int[policy.levels().size() + 1];
        this.queue = new PriorityRequestQueue<>(
                policy.levels(), policy.aging(), t -> this.policy.tenant(t).weight(), clock);
        for (ModelInstance instance = version.takeInstance(); instance != null; instance = version.takeInstance()) {
            start(instance);
        }
        version.onClosing(this::close);
    }

    ModelRef ref() {
        return version.spec().ref();
    }

    LoadedVersion version() {
        return version;
    }

    ModelPolicy policy() {
        return policy;
    }

    Clock clock() {
        return clock;
    }

    ModelStats stats() {
        return stats;
    }

    TenantQuotas quotas() {
        return quotas;
    }

    BatchRunner runner() {
        return runner;
    }

    boolean batched() {
        return version.spec().batched();
    }

    /**
     * Queues {@code p}: RESOURCE_EXHAUSTED when its level is full. A copy that is closing still takes
     * requests admitted before it closed while its workers drain the queue; once they are gone it
     * throws {@link LoadedVersion.VersionClosingException}, and the caller tries the copy replacing it.
     */
    void enqueue(PendingRequest p) {
        lock.lock();
        try {
            if (closing && workers == 0) {
                throw new LoadedVersion.VersionClosingException(ref() + " is unloading");
            }
            queue.offer(p, this::retryHint);
            queuedRows += p.rows;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        onQueued.run();
    }

    /**
     * Runs {@code p} on the calling thread, on the instance of an idle worker, when nothing is queued
     * and the policy does not wait for batches to fill: no thread hand-off at all. False when it
     * cannot (then it is queued as usual).
     */
    boolean runInline(PendingRequest p) {
        Slot slot;
        lock.lock();
        try {
            ModelPolicy policy = this.policy;
            boolean waitsForBatches = policy.maxBatchSize() > 1 && policy.maxQueueDelayNanos() > 0;
            if (closing || waitsForBatches || queue.size() > 0 || idleSlots.isEmpty()) {
                return false;
            }
            slot = idleSlots.pollFirst();
            slot.lent = true;
            busy++;
            running[Math.min(p.level, running.length - 1)]++;
        } finally {
            lock.unlock();
        }
        try {
            runner.run(List.of(p), slot.instance);
        } finally {
            lock.lock();
            try {
                slot.lent = false;
                slot.lastUsed = clock.nanoTime();
                busy--;
                running[Math.min(p.level, running.length - 1)]--;
                idleSlots.addFirst(slot);
                if (queue.size() > 0 || closing) {
                    // requests queued, or the copy began closing, while the instance was lent: its
                    // worker (waiting for the instance) acts on that now
                    work.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    /** Takes {@code p} out of the queue after its caller went away (a running request finishes). */
    void cancel(PendingRequest p) {
        boolean removed;
        lock.lock();
        try {
            removed = queue.remove(p);
            if (removed) {
                queuedRows -= p.rows;
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            dropped(p);
        }
    }

    /** Answers a request that leaves without being served: timed out, cancelled, or past its deadline. */
    void dropped(PendingRequest p) {
        long now = clock.nanoTime();
        boolean deadline = now >= p.deadline;
        LlmaosException why = deadline
                ? LlmaosException.expected(
                        ErrorCode.DEADLINE_EXCEEDED,
                        "the request waited " + (now - p.enqueued) / 1_000_000 + " ms in the queue of " + ref()
                                + " and timed out before it could run")
                : LlmaosException.expected(ErrorCode.CANCELLED, "the request was cancelled while queued");
        if (p.fail(why)) {
            stats.rejected(
                    p.level, p.tenant(), deadline ? ModelStats.Rejection.TIMED_OUT : ModelStats.Rejection.CANCELLED);
        }
    }

    /**
     * The next batch for a worker, waiting for work, for a batch to fill (up to the policy's queue
     * delay), or null when the worker should stop (the copy is closing, or it idled long enough to
     * retire). Requests found timed out or cancelled on the way are answered after each pass, never
     * held while the worker waits.
     */
    List<PendingRequest> take(Slot slot) throws InterruptedException {
        long idleSince = clock.nanoTime();
        while (true) {
            List<PendingRequest> dropped = new ArrayList<>();
            List<PendingRequest> batch;
            lock.lock();
            try {
                batch = pass(slot, idleSince, dropped);
            } finally {
                lock.unlock();
            }
            dropped.forEach(this::dropped);
            if (batch != AGAIN) {
                return batch;
            }
        }
    }

    /** Marks a pass of {@link #take} that found nothing to hand out yet. */
    private static final List<PendingRequest> AGAIN = List.of();

    /**
     * One pass under the lock: a batch, null to stop, or {@link #AGAIN} after waiting. A worker with
     * nothing to do blocks until it is signalled (work queued, its instance given back, a policy
     * change, closing); only a worker the pool may shed waits with a timer, until its idle time
     * reaches scale_down_idle.
     */
    private List<PendingRequest> pass(Slot slot, long idleSince, List<PendingRequest> dropped)
            throws InterruptedException {
        ModelPolicy p = policy;
        if (slot.lent) {
            // a caller runs on this instance; giving it back signals when work is waiting
            work.await();
            return AGAIN;
        }
        if (queue.size() == 0) {
            if (closing) {
                idleSlots.remove(slot);
                workers--;
                return null;
            }
            if (!idleSlots.contains(slot)) {
                idleSlots.addFirst(slot);
            }
            if (workers <= p.minInstances()) {
                work.await();
                return AGAIN;
            }
            long idle = clock.nanoTime() - Math.max(idleSince, slot.lastUsed);
            long left = Durations.nanos(p.scaleDownIdle()) - idle;
            if (left <= 0) {
                idleSlots.remove(slot);
                workers--;
                retiring.set(true);
                return null;
            }
            work.awaitNanos(left);
            return AGAIN;
        }
        idleSlots.remove(slot);
        if (p.maxBatchSize() > 1 && p.maxQueueDelayNanos() > 0 && !closing && queuedRows < p.targetBatchSize()) {
            long waited = queue.oldestWaitNanos();
            if (waited < p.maxQueueDelayNanos()) {
                work.awaitNanos(p.maxQueueDelayNanos() - waited);
                return AGAIN;
            }
        }
        List<PendingRequest> batch = form(p, dropped);
        if (batch.isEmpty()) {
            return AGAIN;
        }
        busy++;
        batch.forEach(r -> running[Math.min(r.level, running.length - 1)]++);
        return batch;
    }

    private List<PendingRequest> form(ModelPolicy p, List<PendingRequest> dropped) {
        List<PendingRequest> batch = new ArrayList<>();
        PendingRequest head = queue.poll(x -> true, dropped::add);
        if (head != null) {
            batch.add(head);
            long rows = head.rows;
            while (p.maxBatchSize() > 1 && rows < p.targetBatchSize()) {
                long have = rows;
                PendingRequest next = queue.poll(
                        e -> e.batchKey.equals(head.batchKey) && have + e.rows <= p.targetBatchSize(), dropped::add);
                if (next == null) {
                    break;
                }
                batch.add(next);
                rows += next.rows;
            }
        }
        batch.forEach(r -> queuedRows -= r.rows);
        dropped.forEach(r -> queuedRows -= r.rows);
        return batch;
    }

    /** A worker finished {@code batch}. */
    void finished(List<PendingRequest> batch) {
        lock.lock();
        try {
            busy--;
            batch.forEach(r -> running[Math.min(r.level, running.length - 1)]--);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the worker thread asking is leaving to scale the pool down. */
    boolean shouldRetire() {
        boolean retire = retiring.get();
        retiring.remove();
        return retire;
    }

    /**
     * A worker thread ended: its instance is removed (scale-down) or given back (closing).
     * {@code counted} is false when it ended abnormally, before {@link #take} counted it out.
     */
    void workerExited(Slot slot, boolean retired, boolean counted) {
        if (!counted) {
            lock.lock();
            try {
                idleSlots.remove(slot);
                if (!closing) {
                    // the worker died of something unexpected: keep the pool serving with a new one
                    start(slot.instance);
                    return;
                }
                workers--;
            } finally {
                lock.unlock();
            }
        }
        if (retired) {
            version.removeInstance(slot.instance);
            stats.scaleDowns.increment();
        } else {
            version.returnInstance(slot.instance);
        }
    }

    /** Whether any request waits in the queue. */
    boolean hasQueued() {
        lock.lock();
        try {
            return queue.size() > 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs every few milliseconds while requests wait: answers those whose time ran out at any depth
     * of the queue, and grows the pool when the oldest request has waited too long for long enough
     * (within the budget). Returns whether requests still wait.
     */
    boolean tick() {
        List<PendingRequest> dropped = new ArrayList<>();
        boolean grow = false;
        lock.lock();
        try {
            queue.expire(dropped::add);
            dropped.forEach(r -> queuedRows -= r.rows);
            ModelPolicy p = policy;
            long now = clock.nanoTime();
            boolean pressed = queue.oldestWaitNanos() > Durations.nanos(p.scaleUpDelay());
            if (!pressed || closing || growing || workers >= p.maxInstances()) {
                pressureSince = pressed ? pressureSince : -1;
            } else if (pressureSince < 0) {
                pressureSince = now;
            } else if (now - pressureSince >= Durations.nanos(p.scaleUpAfter()) && version.canGrow()) {
                growing = true;
                grow = true;
                pressureSince = -1;
            }
        } finally {
            lock.unlock();
        }
        dropped.forEach(this::dropped);
        if (grow) {
            grower.execute(this::grow);
        }
        return hasQueued();
    }

    private void grow() {
        ModelInstance instance = null;
        try {
            instance = version.addInstance();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ModelScheduler.class)
                    .warn("{} could not grow its pool: {}", ref(), e.getMessage());
        }
        boolean started = false;
        lock.lock();
        try {
            growing = false;
            if (instance != null && !closing) {
                start(instance);
                stats.scaleUps.increment();
                started = true;
            }
        } finally {
            lock.unlock();
        }
        if (!started && instance != null) {
            version.removeInstance(instance);
        }
    }

    /** Applies a new policy live; queued requests stay. */
    void apply(ModelPolicy next) {
        lock.lock();
        try {
            policy = next;
            queue.configure(next.levels(), next.aging(), t -> policy.tenant(t).weight());
            if (running.length < next.levels().size() + 1) {
                running = java.util.Arrays.copyOf(running, next.levels().size() + 1);
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking new requests; workers finish the queue and exit. */
    void close() {
        lock.lock();
        try {
            closing = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A consistent view of the queue and pool, for statistics. */
    Snapshot snapshot() {
        lock.lock();
        try {
            int levels = queue.levelCount();
            int[] depth = new int[levels + 1];
            int[] inFlight = new int[levels + 1];
            for (int l = 1; l <= levels; l++) {
                depth[l] = queue.size(l);
                inFlight[l] = l < running.length ? running[l] : 0;
            }
            return new Snapshot(depth, inFlight, workers, busy);
        } finally {
            lock.unlock();
        }
    }

    /** Waiting requests of {@code tenant}. */
    int queuedOf(String tenant) {
        lock.lock();
        try {
            return queue.sizeOf(tenant);
        } finally {
            lock.unlock();
        }
    }

    /** Per level (index 1..N): queued and running requests; the pool's size and busy workers. */
    record Snapshot(int[] depth, int[] inFlight, int workers, int busy) {}

    /** When a rejected caller might find room: the queue ahead of it at the mean compute time per worker. */
    private Duration retryHint() {
        double perRequestMs = Math.max(0.1, stats.meanComputeNanos() / 1e6);
        long ms = (long) (queue.size() * perRequestMs / Math.max(1, workers));
        return Duration.ofMillis(Math.max(1, Math.min(60_000, ms)));
    }

    private void start(ModelInstance instance) {
        workers++;
        Thread t = threads.newThread(new InstanceWorker(this, new Slot(instance)));
        t.start();
    }
}
