package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.InferenceRequest;
import io.llmaos.server.core.request.InferenceResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request admitted to a model's queue: its level, deadline, batch shape, and the future its caller
 * waits on. It is finished exactly once (answered, or failed), and {@code onFinish} runs then, so
 * admission and quota are always given back.
 */
final class PendingRequest implements QueueEntry {
    final InferenceRequest request;
    final int level;
    final long enqueued;
    final long deadline;
    final long rows;
    final String batchKey;
    final CompletableFuture<InferenceResult> future = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Runnable onFinish;

    PendingRequest(InferenceRequest request, Admission.Ticket ticket) {
        this.request = request;
        this.level = ticket.level();
        this.enqueued = ticket.admittedNanos();
        this.deadline = ticket.deadlineNanos();
        this.rows = BatchAssembler.rows(request.inputs());
        this.batchKey = BatchAssembler.key(request.inputs());
        this.onFinish = ticket.release();
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int level() {
        return level;
    }

    @Override
    public String tenant() {
        return request.tenant();
    }

    @Override
    public long enqueuedNanos() {
        return enqueued;
    }

    @Override
    public long deadlineNanos() {
        return deadline;
    }

    @Override
    public boolean isDone() {
        return finished.get() || request.cancellation().isCancelled();
    }

    /** Answers the caller; false when it was already finished. */
    boolean succeed(InferenceResult result) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        onFinish.run();
        future.complete(result);
        return true;
    }

    /**
     * Gives the admission back without answering the caller (who retries on another copy); false
     * when it was already finished.
     */
    boolean abandon() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        onFinish.run();
        return true;
    }

    /** Fails the caller; false when it was already finished. */
    boolean fail(Throwable error) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        onFinish.run();
        future.completeExceptionally(error);
        return true;
    }
}
