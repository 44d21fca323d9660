package io.llmaos.server.api;

import io.grpc.stub.StreamObserver;
import io.llmaos.server.api.mapping.StatusMapper;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/** Completes a unary call with exactly one answer or one mapped error. */
final class Replies {
    private Replies() {}

    /** Answers with what {@code work} returns, or with the status its exception maps to. */
    static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
        T value;
        try {
            value = work.get();
        } catch (RuntimeException e) {
            response.onError(StatusMapper.toStatusException(e));
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }

    /** Answers when the future {@code work} starts completes, mapping its value or its failure. */
    static <S, T> void after(StreamObserver<T> response, Supplier<CompletableFuture<S>> work, Function<S, T> map) {
        CompletableFuture<S> future;
        try {
            future = work.get();
        } catch (RuntimeException e) {
            response.onError(StatusMapper.toStatusException(e));
            return;
        }
        future.whenComplete((value, error) -> {
            if (error != null) {
                response.onError(StatusMapper.toStatusException(error));
            } else {
                answer(response, () -> map.apply(value));
            }
        });
    }
}
