package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.InferenceRequest;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.Durations;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.lifecycle.ServedCopy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The scheduler of one served copy of a tensor model: its priority queue, its instance workers
 * (one thread per instance, between the policy's min and max), dynamic batching, timeouts,
 * cancellation and scaling. Requests leave only by being answered: served, timed out, cancelled
 * or rejected.
 */
final class BatchingScheduler extends QueueingScheduler<PendingRequest> implements BatchSource {
    private final ThreadFactory threads;
    private final Executor grower;
    private final Runnable onQueued;
    private final Deque<InstanceLease> idle = new ArrayDeque<>();
    private final BatchRunner runner;
    private final PoolGrowth growth = new PoolGrowth();
    private int workers;
    private int busy;
    private int[] running;
    /** When the latest request arrived (clock nanos), to tell requests close together from lone ones. */
    private long lastArrival;

    /**
     * @param grower   where new instances are made (a load must not hold up a tick)
     * @param onQueued called after a request is queued, so the dispatcher's ticker runs
     */
    BatchingScheduler(
            ServedCopy version,
            ModelPolicy policy,
            Clock clock,
            ThreadFactory threads,
            Executor grower,
            Runnable onQueued) {
        super(version, policy, clock);
        this.onQueued = onQueued;
        this.threads = threads;
        this.grower = grower;
        this.runner = new BatchRunner(ref(), version.spec().batched(), clock, stats, this::dropped);
        this.running = new int[policy.levels().size() + 1];
        for (ModelInstance i = version.takeInstance(); i != null; i = version.takeInstance()) {
            start(i);
        }
        version.onClosing(this::close);
    }

    /**
     * Admits {@code request} and runs it at once on an idle instance or queues it. Throws what
     * admission throws, and {@link ServedCopy.VersionClosingException} (having taken nothing)
     * when this copy closed meanwhile; a full queue fails the future with RESOURCE_EXHAUSTED.
     */
    CompletableFuture<InferenceResult> submit(InferenceRequest request) {
        Admission.Ticket ticket;
        try {
            ticket = admission.admit(
                    request.model(),
                    request.priority(),
                    request.clampPriority(),
                    request.tenant(),
                    request.deadlineNanos(),
                    request.timeout());
        } catch (io.llmaos.server.core.error.CapacityExceededException e) {
            return CompletableFuture.failedFuture(e);
        }
        PendingRequest pending = new PendingRequest(request, ticket);
        try {
            if (runInline(pending)) {
                return pending.future;
            }
            enqueue(pending);
        } catch (ServedCopy.VersionClosingException e) {
            pending.abandon();
            throw e;
        } catch (LlmaosException e) {
            pending.fail(e);
            stats.rejected(
                    pending.level,
                    request.tenant(),
                    e.code() == ErrorCode.CAPACITY_EXCEEDED
                            ? ModelStats.Rejection.QUEUE_FULL
                            : ModelStats.Rejection.NOT_READY);
            return pending.future;
        } catch (RuntimeException | Error e) {
            pending.fail(e);
            return pending.future;
        }
        request.cancellation().onCancel(() -> cancel(pending));
        return pending.future;
    }

    /**
     * Queues {@code p}: RESOURCE_EXHAUSTED when its level is full. A copy that is closing still takes
     * requests admitted before it closed while its workers drain the queue; once they are gone it
     * throws {@link ServedCopy.VersionClosingException}, and the caller tries the copy replacing it.
     */
    private void enqueue(PendingRequest p) {
        lock.lock();
        try {
            if (closing && workers == 0) {
                throw new ServedCopy.VersionClosingException(ref() + " is unloading");
            }
            queue.offer(p, () -> admission.retryHint(queue.size(), workers));
            if (!idle.isEmpty() || waitsForBatches(policy) || closing) {
                // a worker that can act on it: one waiting idle, or one waiting for its batch to fill.
                // Workers whose instance is busy (running, or lent to a caller) look at the queue
                // when it is free: waking them now would only put them back to sleep.
                work.signalAll();
            }
        } finally {
            lock.unlock();
        }
        onQueued.run();
    }

    /**
     * Runs {@code p} on the calling thread, on an idle worker's instance, when nothing is queued and
     * no batch is worth waiting for ({@link #inCompany}): no thread hand-off. False when it cannot.
     */
    private boolean runInline(PendingRequest p) {
        InstanceLease lease;
        lock.lock();
        try {
            boolean batchComing = waitsForBatches(policy) && inCompany();
            if (closing || queue.size() > 0 || idle.isEmpty() || batchComing) {
                return false;
            }
            lease = idle.pollFirst();
            lease.lent = true;
            counted(List.of(p), 1);
        } finally {
            lock.unlock();
        }
        try {
            runner.run(List.of(p), lease.instance);
        } finally {
            lock.lock();
            try {
                lease.lent = false;
                lease.lastUsed = clock.nanoTime();
                counted(List.of(p), -1);
                idle.addFirst(lease);
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

    /** Whether a batch runs or the previous request came within one queue delay; notes this arrival. */
    private boolean inCompany() {
        long now = clock.nanoTime();
        boolean company = busy > 0 || now - lastArrival < policy.maxQueueDelayNanos();
        lastArrival = now;
        return company;
    }

    private static boolean waitsForBatches(ModelPolicy p) {
        return p.maxBatchSize() > 1 && p.maxQueueDelayNanos() > 0;
    }

    /** Counts {@code batch} in ({@code sign} 1) or out (-1) of the running requests; under the lock. */
    private void counted(List<PendingRequest> batch, int sign) {
        busy += sign;
        batch.forEach(r -> running[Math.min(r.level, running.length - 1)] += sign);
    }

    /** Takes {@code p} out of the queue after its caller went away (a running request finishes). */
    private void cancel(PendingRequest p) {
        boolean removed;
        lock.lock();
        try {
            removed = queue.remove(p);
        } finally {
            lock.unlock();
        }
        if (removed) {
            dropped(p);
        }
    }

    /** Answers a request that leaves without being served: timed out, cancelled, or past its deadline. */
    private void dropped(PendingRequest p) {
        long now = clock.nanoTime();
        LlmaosException why = unserved(p, now, "in the queue of");
        if (p.fail(why)) {
            stats.rejected(p.level, p.tenant(), rejection(why), now - p.request.receivedNanos());
        }
    }

    /**
     * The next batch for a worker, waiting for work, for a batch to fill (up to the policy's queue
     * delay), or null when the worker should stop. Requests found timed out or cancelled on the way
     * are answered after each pass, never while the lock is held.
     */
    @Override
    public List<PendingRequest> take(InstanceLease lease) throws InterruptedException {
        long idleSince = clock.nanoTime();
        while (true) {
            List<PendingRequest> dropped = new ArrayList<>();
            List<PendingRequest> batch;
            lock.lock();
            try {
                batch = pass(lease, idleSince, dropped);
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
    private List<PendingRequest> pass(InstanceLease lease, long idleSince, List<PendingRequest> dropped)
            throws InterruptedException {
        ModelPolicy p = policy;
        if (lease.lent) {
            // a caller runs on this instance; giving it back signals when work is waiting
            work.await();
            return AGAIN;
        }
        if (queue.size() == 0) {
            if (closing) {
                idle.remove(lease);
                workers--;
                return null;
            }
            if (!idle.contains(lease)) {
                idle.addFirst(lease);
            }
            if (workers <= p.minInstances()) {
                work.await();
                return AGAIN;
            }
            long left = Durations.nanos(p.scaleDownIdle()) - (clock.nanoTime() - Math.max(idleSince, lease.lastUsed));
            if (left <= 0) {
                idle.remove(lease);
                workers--;
                lease.retiring = true;
                return null;
            }
            work.awaitNanos(left);
            return AGAIN;
        }
        idle.remove(lease);
        if (waitsForBatches(p) && !closing && queue.rows() < p.targetBatchSize()) {
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
        counted(batch, 1);
        return batch;
    }

    /** The oldest best request and, for a batching model, same-shaped ones up to the target size. */
    private List<PendingRequest> form(ModelPolicy p, List<PendingRequest> dropped) {
        List<PendingRequest> batch = new ArrayList<>();
        PendingRequest head = queue.poll(x -> true, dropped::add);
        if (head == null) {
            return batch;
        }
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
        return batch;
    }

    @Override
    public void finished(List<PendingRequest> batch) {
        lock.lock();
        try {
            counted(batch, -1);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void exited(InstanceLease lease, boolean counted) {
        if (!counted) {
            lock.lock();
            try {
                idle.remove(lease);
                if (!closing) {
                    // the worker died of something unexpected: keep the pool serving with a new one
                    start(lease.instance);
                    return;
                }
                workers--;
            } finally {
                lock.unlock();
            }
        }
        if (lease.retiring) {
            version.removeInstance(lease.instance);
            stats.scaleDowns.increment();
        } else {
            version.returnInstance(lease.instance);
        }
    }

    /**
     * Runs every few milliseconds while requests wait: answers those whose time ran out at any depth
     * of the queue, and grows the pool when the oldest request has waited too long for long enough
     * (within the budget). Returns whether requests still wait.
     */
    @Override
    public boolean tick() {
        List<PendingRequest> dropped = new ArrayList<>();
        boolean grow;
        lock.lock();
        try {
            queue.expire(dropped::add);
            ModelPolicy p = policy;
            boolean pressed = queue.oldestWaitNanos() > Durations.nanos(p.scaleUpDelay());
            boolean room = !closing && workers < p.maxInstances();
            grow = growth.due(pressed, room, clock.nanoTime(), p.scaleUpAfter(), version::canGrow);
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
            org.slf4j.LoggerFactory.getLogger(BatchingScheduler.class)
                    .warn("{} could not grow its pool: {}", ref(), e.getMessage());
        }
        boolean started = false;
        lock.lock();
        try {
            growth.done();
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

    @Override
    void applied(ModelPolicy next) {
        if (running.length < next.levels().size() + 1) {
            running = java.util.Arrays.copyOf(running, next.levels().size() + 1);
        }
    }

    @Override
    public SchedulerSnapshot snapshot() {
        lock.lock();
        try {
            int[] depth = depthByLevel();
            int[] inFlight = new int[depth.length];
            for (int l = 1; l < depth.length; l++) {
                inFlight[l] = l < running.length ? running[l] : 0;
            }
            ModelPolicy p = policy;
            return new SchedulerSnapshot(depth, inFlight, workers, busy, p.minInstances(), p.maxInstances());
        } finally {
            lock.unlock();
        }
    }

    private void start(ModelInstance instance) {
        workers++;
        threads.newThread(new InstanceWorker(this, runner, new InstanceLease(instance)))
                .start();
    }
}
