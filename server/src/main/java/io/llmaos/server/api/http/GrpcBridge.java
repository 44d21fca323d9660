package io.llmaos.server.api.http;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.llmaos.server.api.interceptor.TenantInterceptor;
import io.llmaos.server.api.mapping.StatusMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes the gRPC call an HTTP request means, in process: the request's credentials, tenant and trace
 * context travel as the same metadata a gRPC client sends, the call is cancelled when the HTTP client
 * goes away, and a failure is answered with its HTTP status and {@code {"error": ...}} (with
 * Retry-After where the server asked for a wait).
 */
final class GrpcBridge {
    /** The HTTP headers passed on as gRPC metadata, lower-case as both protocols compare them. */
    static final List<String> PASSED = List.of("authorization", TenantInterceptor.HEADER, "traceparent", "tracestate");

    private final Channel channel;

    GrpcBridge(Channel channel) {
        this.channel = channel;
    }

    /** Calls {@code method} with {@code request}; {@code onOk} answers the exchange with the response. */
    <Q, R> void unary(MethodDescriptor<Q, R> method, Q request, HttpExchange exchange, Consumer<R> onOk) {
        unary(method, request, exchange, null, onOk, t -> fail(exchange, t));
    }

    /**
     * As {@link #unary(MethodDescriptor, Object, HttpExchange, Consumer)}, within {@code deadline} (null:
     * none) and with {@code onError} answering a failure.
     */
    <Q, R> void unary(
            MethodDescriptor<Q, R> method,
            Q request,
            HttpExchange exchange,
            Duration deadline,
            Consumer<R> onOk,
            Consumer<Throwable> onError) {
        ClientCall<Q, R> call = call(method, exchange, deadline);
        exchange.onClose(() -> call.cancel("the HTTP client went away", null));
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                try {
                    onOk.accept(value);
                } catch (IllegalArgumentException e) {
                    exchange.error(400, e.getMessage(), Map.of());
                } catch (RuntimeException e) {
                    exchange.error(500, "the answer could not be written as JSON", Map.of());
                }
            }

            @Override
            public void onError(Throwable t) {
                onError.accept(t);
            }

            @Override
            public void onCompleted() {
                // answered in onNext
            }
        });
    }

    /**
     * Calls a streaming {@code method} with the one {@code request}: each response goes to
     * {@code onNext}; the end to {@code onEnd} (null when the call succeeded, else its failure).
     */
    <Q, R> void stream(
            MethodDescriptor<Q, R> method,
            Q request,
            HttpExchange exchange,
            Consumer<R> onNext,
            Consumer<StatusRuntimeException> onEnd) {
        stream(method, request, exchange, null, onNext, onEnd);
    }

    /**
     * As {@link #stream(MethodDescriptor, Object, HttpExchange, Consumer, Consumer)}, within {@code deadline};
     * the call started (to cancel it).
     */
    <Q, R> ClientCall<Q, R> stream(
            MethodDescriptor<Q, R> method,
            Q request,
            HttpExchange exchange,
            Duration deadline,
            Consumer<R> onNext,
            Consumer<StatusRuntimeException> onEnd) {
        ClientCall<Q, R> call = call(method, exchange, deadline);
        exchange.onClose(() -> call.cancel("the HTTP client went away", null));
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(R message) {
                        onNext.accept(message);
                        call.request(1);
                    }

                    @Override
                    public void onClose(io.grpc.Status status, Metadata trailers) {
                        onEnd.accept(status.isOk() ? null : status.asRuntimeException(trailers));
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        return call;
    }

    /**
     * A call of {@code method} carrying the exchange's credentials, tenant and trace context, bounded
     * by {@code deadline} (null: none).
     */
    <Q, R> ClientCall<Q, R> call(MethodDescriptor<Q, R> method, HttpExchange exchange, Duration deadline) {
        Metadata headers = new Metadata();
        for (String name : PASSED) {
            String value = exchange.header(name);
            if (value != null) {
                headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
            }
        }
        if (exchange.remote() instanceof java.net.InetSocketAddress address && address.getAddress() != null) {
            headers.put(
                    Metadata.Key.of(
                            io.llmaos.server.api.interceptor.HttpPeer.ADDRESS_HEADER, Metadata.ASCII_STRING_MARSHALLER),
                    io.llmaos.server.api.interceptor.HttpPeer.address(address));
        }
        String peer = exchange.peerTenant();
        if (peer != null) {
            headers.put(
                    Metadata.Key.of(io.llmaos.server.api.interceptor.HttpPeer.HEADER, Metadata.ASCII_STRING_MARSHALLER),
                    peer);
        }
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
                .newCall(
                        method,
                        deadline == null
                                ? CallOptions.DEFAULT
                                : CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * What a failed call means over HTTP.
     *
     * @param status  the HTTP status
     * @param code    the gRPC code
     * @param message the error's text
     * @param reason  the server's error code (google.rpc.ErrorInfo's reason), or null
     * @param field   the first invalid field named (google.rpc.BadRequest), or null
     * @param headers Retry-After when the server asked for a wait, WWW-Authenticate for a 401
     */
    record Failure(
            int status,
            io.grpc.Status.Code code,
            String message,
            String reason,
            String field,
            Map<String, String> headers) {}

    /** What {@code t}, a call's failure, means over HTTP. */
    static Failure failure(Throwable t) {
        if (!(t instanceof StatusRuntimeException e)) {
            return failure(io.grpc.Status.Code.INTERNAL, "internal error", null, null, null);
        }
        com.google.rpc.Status details = io.grpc.protobuf.StatusProto.fromThrowable(e);
        String reason = null;
        String field = null;
        if (details != null) {
            for (com.google.protobuf.Any any : details.getDetailsList()) {
                try {
                    if (any.is(com.google.rpc.ErrorInfo.class)) {
                        reason = any.unpack(com.google.rpc.ErrorInfo.class).getReason();
                    } else if (any.is(com.google.rpc.BadRequest.class) && field == null) {
                        var violations =
                                any.unpack(com.google.rpc.BadRequest.class).getFieldViolationsList();
                        field = violations.isEmpty() ? null : violations.get(0).getField();
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                    // a detail that does not parse says nothing
                }
            }
        }
        return failure(
                e.getStatus().getCode(), e.getStatus().getDescription(), StatusMapper.retryAfter(e), reason, field);
    }

    private static Failure failure(
            io.grpc.Status.Code code, String description, Duration wait, String reason, String field) {
        int status = StatusMapper.httpStatus(code);
        Map<String, String> headers = wait == null
                ? Map.of()
                : Map.of("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
        if (status == 401) {
            headers = Map.of("WWW-Authenticate", "Bearer");
        }
        String message = description == null || description.isEmpty() ? code.name() : description;
        return new Failure(status, code, message, reason, field, headers);
    }

    /** Answers a failed call: its HTTP status, its description as the error, Retry-After when asked. */
    static void fail(HttpExchange exchange, Throwable t) {
        Failure f = failure(t);
        exchange.error(f.status(), f.message(), f.headers());
    }

    /**
     * Answers a {@code ModelStreamInfer} response that says a request failed (before anything was
     * sent): with the status its code means (400 when it names none).
     */
    static void failInStream(HttpExchange exchange, io.llmaos.proto.oip.ModelStreamInferResponse r) {
        Map<String, io.llmaos.proto.oip.InferParameter> p = r.getInferResponse().getParametersMap();
        io.grpc.Status.Code code = io.grpc.Status.Code.INVALID_ARGUMENT;
        if (p.containsKey(StatusMapper.STREAM_ERROR_CODE)) {
            try {
                code = io.grpc.Status.Code.valueOf(
                        p.get(StatusMapper.STREAM_ERROR_CODE).getStringParam());
            } catch (IllegalArgumentException unknown) {
                code = io.grpc.Status.Code.INTERNAL;
            }
        }
        Duration wait = p.containsKey(StatusMapper.STREAM_RETRY_AFTER_MS)
                ? Duration.ofMillis(p.get(StatusMapper.STREAM_RETRY_AFTER_MS).getInt64Param())
                : null;
        Failure f = failure(code, r.getErrorMessage(), wait, null, null);
        exchange.error(f.status(), f.message(), f.headers());
    }
}
