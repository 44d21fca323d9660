package io.llmaos.server.api;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * What a streaming call's session holds of gRPC: the call it answers on, told when the caller can
 * take more ({@link #ready}) and when the caller went away ({@link #cancelled}).
 *
 * @param <T> the messages sent to the caller
 */
abstract class CallSession<T> {
    final ServerCallStreamObserver<T> call;

    CallSession(ServerCallStreamObserver<T> call) {
        this.call = call;
        call.setOnReadyHandler(this::ready);
        call.setOnCancelHandler(this::cancelled);
    }

    /** The caller can take more messages. */
    abstract void ready();

    /** The caller cancelled or the call ended. */
    abstract void cancelled();
}
