package io.llmaos.server.api;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferStreamResponse;
import java.util.concurrent.CompletableFuture;

/**
 * One InferStream call: many requests in flight, each answered (possibly out of order) with its
 * request id. Flow control both ways: the caller requests a window of messages, one more is read
 * for each answer sent, and while the client is slow to read answers no further requests are read. The stream
 * completes once the client has half-closed and every request is answered.
 */
final class InferStreamSession extends CallSession<InferStreamResponse> implements StreamObserver<InferRequest> {
    /** Answers one request of the stream. */
    interface Answerer {
        CompletableFuture<InferStreamResponse> answer(Context context, InferRequest request, String requestId);
    }

    private final Context context;
    private final Answerer answerer;
    private int inFlight;
    private int credits;
    private long sequence;
    private boolean halfClosed;
    private boolean closed;

    InferStreamSession(ServerCallStreamObserver<InferStreamResponse> call, Context context, Answerer answerer) {
        super(call);
        this.context = context;
        this.answerer = answerer;
    }

    @Override
    public void onNext(InferRequest request) {
        String id;
        synchronized (this) {
            inFlight++;
            sequence++;
            id = request.getRequestId().isEmpty() ? "stream-" + sequence : request.getRequestId();
        }
        answerer.answer(context, request, id).whenComplete((response, error) -> deliver(response));
    }

    @Override
    public void onError(Throwable t) {
        cancelled();
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            halfClosed = true;
            finishIfDone();
        }
    }

    private synchronized void deliver(InferStreamResponse response) {
        inFlight--;
        if (closed) {
            return;
        }
        call.onNext(response);
        credits++;
        release();
        finishIfDone();
    }

    @Override
    synchronized void ready() {
        release();
    }

    /** Reads as many further requests as answers have left, while the client keeps up. */
    private void release() {
        if (credits > 0 && call.isReady() && !halfClosed) {
            call.request(credits);
            credits = 0;
        }
    }

    private void finishIfDone() {
        if (halfClosed && inFlight == 0 && !closed) {
            closed = true;
            call.onCompleted();
        }
    }

    @Override
    synchronized void cancelled() {
        closed = true;
    }
}
