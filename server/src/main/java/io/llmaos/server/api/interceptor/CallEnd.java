package io.llmaos.server.api.interceptor;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ServerCall;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** Runs something exactly once when a call ends, whether it completed or was cancelled. */
final class CallEnd {
    private CallEnd() {}

    /**
     * The listener {@code start} makes, wrapped so that {@code ended} runs once when the call
     * completes or is cancelled, or at once if {@code start} throws.
     */
    static <Q> ServerCall.Listener<Q> whenEnded(Supplier<ServerCall.Listener<Q>> start, Runnable ended) {
        AtomicBoolean pending = new AtomicBoolean(true);
        Runnable once = () -> {
            if (pending.compareAndSet(true, false)) {
                ended.run();
            }
        };
        try {
            return new SimpleForwardingServerCallListener<>(start.get()) {
                @Override
                public void onComplete() {
                    try {
                        super.onComplete();
                    } finally {
                        once.run();
                    }
                }

                @Override
                public void onCancel() {
                    try {
                        super.onCancel();
                    } finally {
                        once.run();
                    }
                }
            };
        } catch (RuntimeException e) {
            once.run();
            throw e;
        }
    }
}
