package io.llmaos.server.hardening;

import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A gRPC health Watch stream held open: answered once its first status (or its end) arrives. */
record HealthWatch(
        ClientCall<HealthCheckRequest, HealthCheckResponse> call,
        CountDownLatch first,
        CompletableFuture<Status> closed) {

    /** Opens a watch on {@code channel}; {@code first} is counted down by its first message or its end. */
    static HealthWatch open(Channel channel, CountDownLatch first) {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientCall<HealthCheckRequest, HealthCheckResponse> call =
                channel.newCall(HealthGrpc.getWatchMethod(), io.grpc.CallOptions.DEFAULT);
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(HealthCheckResponse message) {
                        first.countDown();
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                        first.countDown();
                    }
                },
                new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(HealthCheckRequest.getDefaultInstance());
        call.halfClose();
        return new HealthWatch(call, first, closed);
    }

    static HealthWatch open(Channel channel) {
        return open(channel, new CountDownLatch(1));
    }

    /** Whether the stream answered within 10 s and is still open. */
    boolean opened() throws InterruptedException {
        return first.await(10, TimeUnit.SECONDS) && !closed.isDone();
    }

    void cancel() {
        call.cancel("done", null);
    }
}
