package io.llmaos.server.api.interceptor;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.llmaos.server.api.mapping.StatusMapper;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outermost interceptor: an exception that escapes a service (which gRPC would turn into
 * UNKNOWN) closes the call with the status {@link StatusMapper} gives it, and every error a call is
 * closed with passes {@link StatusMapper#sanitize}: UNKNOWN becomes INTERNAL, and errors made by
 * gRPC's own services (health, reflection) gain ErrorInfo and a bounded message. Services still map
 * their own errors; this only makes sure no call ever ends with UNKNOWN, without an answer, or with
 * trailers a common client cannot read.
 */
public final class StatusSafetyNet implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        GuardedCall<Q, R> guarded = new GuardedCall<>(call);
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(guarded, headers);
        } catch (RuntimeException e) {
            guarded.fail(e);
            return new ServerCall.Listener<>() {};
        }
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                guard(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                guard(super::onHalfClose);
            }

            @Override
            public void onReady() {
                guard(super::onReady);
            }

            @Override
            public void onCancel() {
                guard(super::onCancel);
            }

            @Override
            public void onComplete() {
                guard(super::onComplete);
            }

            private void guard(Runnable callback) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    guarded.fail(e);
                }
            }
        };
    }

    /** A call that remembers whether it was closed and never closes with UNKNOWN. */
    private static final class GuardedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final AtomicBoolean closed = new AtomicBoolean();

        GuardedCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (status.isOk()) {
                super.close(status, trailers);
                return;
            }
            StatusRuntimeException safe = StatusMapper.sanitize(status, trailers);
            Metadata safeTrailers = safe.getTrailers() == null ? new Metadata() : safe.getTrailers();
            super.close(safe.getStatus(), safeTrailers);
        }

        void fail(RuntimeException e) {
            if (closed.get()) {
                return;
            }
            StatusRuntimeException mapped = StatusMapper.toStatusException(e);
            close(mapped.getStatus(), mapped.getTrailers() == null ? new Metadata() : mapped.getTrailers());
        }
    }
}
