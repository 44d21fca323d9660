package io.llmaos.server.api.interceptor;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.ServerStatus;
import io.llmaos.server.core.runtime.ServingPhase;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admits calls only while the server is SERVING (probes always pass) and counts the work calls in
 * flight, so a graceful shutdown can wait until they have all completed. A call counts from the
 * moment it is admitted until gRPC reports it complete or cancelled.
 *
 * <p>The count is raised before the phase is checked, and the drain moves the phase before it reads
 * the count, so a call is either refused or waited for: none slips through a drain.
 */
public final class DrainGate implements ServerInterceptor {
    private final ServerStatus status;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight;

    public DrainGate(ServerStatus status) {
        this.status = status;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        CallKind kind = CallKind.of(call.getMethodDescriptor());
        if (kind == CallKind.PROBE) {
            return next.startCall(call, headers);
        }
        if (kind == CallKind.OBSERVER) {
            ServingPhase phase = status.phase();
            return phase.isReady() ? next.startCall(call, headers) : refuse(call, phase);
        }
        enter();
        ServingPhase phase = status.phase();
        if (!phase.isReady()) {
            exit();
            return refuse(call, phase);
        }
        return CallEnd.whenEnded(() -> next.startCall(call, headers), () -> exit());
    }

    /** Work calls admitted and not yet complete. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no work call is in flight, or {@code timeout} passes; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long remaining = io.llmaos.server.core.runtime.Durations.nanos(timeout);
        lock.lock();
        try {
            while (inFlight > 0) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = idle.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void enter() {
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    private void exit() {
        lock.lock();
        try {
            inFlight--;
            if (inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, ServingPhase phase) {
        StatusRuntimeException refused = StatusMapper.toStatusException(LlmaosException.serverUnavailable(phase));
        call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata() : refused.getTrailers());
        return new ServerCall.Listener<>() {};
    }
}
