package io.llmaos.server.scheduler;

import io.llmaos.server.core.request.InferenceRequest;
import io.llmaos.server.core.request.InferenceResult;
import java.util.concurrent.CompletableFuture;

/**
 * A request admitted to a model's queue: its level, deadline, batch shape, and the future its caller
 * waits on. It is finished exactly once (answered, or failed), and admission and quota are given
 * back then.
 */
final class PendingRequest extends AdmittedEntry {
    final InferenceRequest request;
    final long rows;
    final String batchKey;
    final CompletableFuture<InferenceResult> future = new CompletableFuture<>();

    PendingRequest(InferenceRequest request, Admission.Ticket ticket) {
        super(request.tenant(), ticket);
        this.request = request;
        this.rows = BatchAssembler.rows(request.inputs());
        this.batchKey = BatchAssembler.key(request.inputs());
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public boolean isDone() {
        return ended() || request.cancellation().isCancelled();
    }

    /** Answers the caller; false when it was already finished. */
    boolean succeed(InferenceResult result) {
        if (!end()) {
            return false;
        }
        future.complete(result);
        return true;
    }

    /** Fails the caller; false when it was already finished. */
    boolean fail(Throwable error) {
        if (!end()) {
            return false;
        }
        future.completeExceptionally(error);
        return true;
    }
}
