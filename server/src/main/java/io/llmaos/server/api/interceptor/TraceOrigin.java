package io.llmaos.server.api.interceptor;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Where a call's trace comes from: its full gRPC method name and the client's W3C trace context (the
 * {@code traceparent} and {@code tracestate} headers, null when absent), put into the call's context
 * for the request seams to start their spans from. Installed only when tracing is on.
 *
 * @param method      the full method name, e.g. {@code inference.GRPCInferenceService/ModelInfer}
 * @param traceparent the client's {@code traceparent} header, or null
 * @param tracestate  the client's {@code tracestate} header, or null
 */
public record TraceOrigin(String method, String traceparent, String tracestate) {
    private static final Metadata.Key<String> PARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> STATE = Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<TraceOrigin> KEY = Context.key("llmaos-trace-origin");

    /** The origin of the call {@code context} belongs to, or null when tracing is off. */
    public static TraceOrigin of(Context context) {
        return KEY.get(context);
    }

    /** The interceptor that notes each call's origin. */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                TraceOrigin origin = new TraceOrigin(
                        call.getMethodDescriptor().getFullMethodName(), headers.get(PARENT), headers.get(STATE));
                return Contexts.interceptCall(Context.current().withValue(KEY, origin), call, headers, next);
            }
        };
    }
}
