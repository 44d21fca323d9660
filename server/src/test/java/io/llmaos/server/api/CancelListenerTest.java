package io.llmaos.server.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.llmaos.server.core.request.Cancellation;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.tensor.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * A cancel action registered on a call that is already cancelled runs outside gRPC's context monitor.
 * Before, gRPC ran it inside addListener under that monitor: an action taking a scheduler's lock
 * while a worker holding that lock asked isCancelled (which takes the monitor) deadlocked the two
 * (seen as a hung server under random cancels).
 */
class CancelListenerTest {
    @Test
    void anActionOnACancelledCallRunsOutsideTheContextMonitor() throws Exception {
        Context.CancellableContext call = Context.current().withCancellation();
        call.cancel(null);
        Cancellation cancellation = GrpcCalls.request(
                        call, Clock.system(), 0, "m", 1, "id", List.<Tensor>of(), 0, false, null, null)
                .cancellation();
        ReentrantLock schedulerLock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        // a worker holds the scheduler's lock and keeps asking whether the call was cancelled
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> {
            schedulerLock.lock();
            try {
                held.countDown();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (System.nanoTime() < until) {
                    cancellation.isCancelled();
                }
            } finally {
                schedulerLock.unlock();
            }
        });
        held.await();
        CompletableFuture<Void> registered = CompletableFuture.runAsync(() -> cancellation.onCancel(() -> {
            schedulerLock.lock();
            schedulerLock.unlock();
        }));
        registered.get(30, TimeUnit.SECONDS);
        worker.get(30, TimeUnit.SECONDS);
        assertTrue(registered.isDone() && worker.isDone());
    }
}
