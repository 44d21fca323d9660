package io.llmaos.server.api;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One bidirectional stream of requests (InferStream, ModelStreamInfer): many requests in flight,
 * each answered (possibly out of order) by one or more messages carrying its id. Flow control both
 * ways: the caller requests a window of messages, one more is read for each request finished, and
 * while the client is slow to read answers no further requests are read. The stream completes once
 * the client has half-closed and every request is finished.
 *
 * @param <I> the requests
 * @param <O> the answers
 */
final class StreamSession<I, O> extends CallSession<O> implements StreamObserver<I> {
    /** Answers one request of the stream through {@code out}. */
    interface Answerer<I, O> {
        void answer(Context context, I request, long sequence, Responder<O> out);
    }

    /** Where one request's answers go: any number of {@link #send}, then exactly one {@link #end}. */
    interface Responder<O> {
        void send(O answer);

        void end();
    }

    private final Context context;
    private final Answerer<I, O> answerer;
    private int inFlight;
    private int credits;
    private long sequence;
    private boolean halfClosed;
    private boolean closed;

    StreamSession(ServerCallStreamObserver<O> call, Context context, Answerer<I, O> answerer) {
        super(call);
        this.context = context;
        this.answerer = answerer;
    }

    @Override
    public void onNext(I request) {
        long n;
        synchronized (this) {
            inFlight++;
            n = ++sequence;
        }
        answerer.answer(context, request, n, new Responder<>() {
            private boolean ended;

            @Override
            public void send(O answer) {
                deliver(answer);
            }

            @Override
            public void end() {
                synchronized (StreamSession.this) {
                    if (ended) {
                        return;
                    }
                    ended = true;
                    finished();
                }
            }
        });
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

    private synchronized void deliver(O answer) {
        if (!closed) {
            call.onNext(answer);
        }
    }

    private void finished() {
        inFlight--;
        if (closed) {
            return;
        }
        credits++;
        release();
        finishIfDone();
    }

    @Override
    synchronized void ready() {
        release();
    }

    /** Reads as many further requests as requests have finished, while the client keeps up. */
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
