package io.llmaos.server.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.llmaos.server.api.mapping.StatusMapper;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Server-streaming watches on one shared timer: a message at every interval (at least
 * {@link #MIN_INTERVAL}) until the caller cancels. A watcher not ready to read skips a message
 * rather than having it queued (the next one supersedes it); a failure ends the stream with its status.
 */
final class Watches {
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final ScheduledExecutorService timer;

    Watches(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Streams {@code next} to {@code response} every {@code asked} (null = {@code otherwise}). */
    <T> void every(StreamObserver<T> response, Duration asked, Duration otherwise, Supplier<T> next) {
        ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) response;
        Duration interval = asked == null ? otherwise : asked;
        long nanos = Math.max(MIN_INTERVAL.toNanos(), io.llmaos.server.core.runtime.Durations.nanos(interval));
        Object lock = new Object();
        ScheduledFuture<?> task = timer.scheduleAtFixedRate(
                () -> {
                    synchronized (lock) {
                        try {
                            if (!call.isCancelled() && call.isReady()) {
                                call.onNext(next.get());
                            }
                        } catch (RuntimeException e) {
                            call.onError(StatusMapper.toStatusException(e));
                            throw e;
                        }
                    }
                },
                0,
                nanos,
                TimeUnit.NANOSECONDS);
        call.setOnCancelHandler(() -> task.cancel(false));
    }
}
