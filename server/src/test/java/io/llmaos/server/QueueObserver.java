package io.llmaos.server;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects a stream's messages in a queue a test polls. */
public final class QueueObserver<T> implements StreamObserver<T> {
    private final BlockingQueue<T> messages = new LinkedBlockingQueue<>();

    @Override
    public void onNext(T value) {
        messages.add(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    /** The next message, or null after {@code wait}. */
    public T nextWithin(java.time.Duration wait) throws InterruptedException {
        return messages.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next message, or null after 10 seconds. */
    public T next() throws InterruptedException {
        return messages.poll(10, TimeUnit.SECONDS);
    }
}
