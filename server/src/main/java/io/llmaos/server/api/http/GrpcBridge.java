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
        ClientCall<Q, R> call = call(method, exchange);
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
                fail(exchange, t);
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
        ClientCall<Q, R> call = call(method, exchange);
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
    }

    /** A call of {@code method} carrying the exchange's credentials, tenant and trace context. */
    <Q, R> ClientCall<Q, R> call(MethodDescriptor<Q, R> method, HttpExchange exchange) {
        Metadata headers = new Metadata();
        for (String name : PASSED) {
            String value = exchange.header(name);
            if (value != null) {
                headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
            }
        }
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
                .newCall(method, CallOptions.DEFAULT);
    }

    /** Answers a failed call: its HTTP status, its description as the error, Retry-After when asked. */
    static void fail(HttpExchange exchange, Throwable t) {
        if (!(t instanceof StatusRuntimeException e)) {
            exchange.error(500, "internal error", Map.of());
            return;
        }
        answer(exchange, e.getStatus().getCode(), e.getStatus().getDescription(), StatusMapper.retryAfter(e));
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
        answer(exchange, code, r.getErrorMessage(), wait);
    }

    private static void answer(HttpExchange exchange, io.grpc.Status.Code code, String description, Duration wait) {
        int status = StatusMapper.httpStatus(code);
        Map<String, String> extra = wait == null
                ? Map.of()
                : Map.of("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
        if (status == 401) {
            extra = Map.of("WWW-Authenticate", "Bearer");
        }
        exchange.error(status, description == null || description.isEmpty() ? code.name() : description, extra);
    }
}
